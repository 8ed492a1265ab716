import FirstComePolicy
import PorticoCore
import Testing

/// The driver's queue of router exchanges, step by step on one camera: what the randomized
/// sites only meet when a slow exchange, a claim and its refutation happen to line up.
///
/// cam2 follows cam1, hears nothing from it, and claims the fixed port. Over NAT-PMP (one
/// mapping per internal port) the claim first gives cam2's own port back; that exchange
/// is slow, so the takeover of cam1's mapping and the request for 8080 wait behind it.
/// cam1 refutes the claim meanwhile: both waiting exchanges must go unsent (a takeover
/// would delete cam1's live mapping, a request would take 8080 the moment cam1 let go),
/// and the request must still be answered, as refused, or the answers that follow would
/// be taken for the wrong requests.
@Suite("Exchange queue")
struct ExchangeQueueTests {
    struct Camera {
        var driver: CameraNodeDriver
        /// Every exchange handed out, in order.
        var handedOut: [Registration.Action] = []

        init() {
            let registration = Registration.Configuration(
                fixedPort: 8080, ports: PortRange(8081, 8099), lease: .seconds(60),
                internalAddress: "198.51.100.12", internalPort: 8080, description: "portico:cam2", fixedLease: .seconds(3))
            let election = Election.Configuration(id: "cam2", inquiryInterval: .seconds(1), missed: 2)
            let node = CameraNode(registration: registration, election: election, policy: FirstComePolicy(),
                                  me: ElectionFixtures.record("cam2", port: nil), at: .zero)
            driver = CameraNodeDriver(node: node)
        }

        mutating func absorb(_ outputs: [CameraNodeDriver.Output]) {
            for case .exchange(let exchange) in outputs { handedOut.append(exchange.action) }
        }

        /// Ends the exchange under way with `answer`, and lets the node hear it.
        mutating func end(with answer: Registration.Event?, at now: Duration) {
            absorb(driver.exchangeEnded(answer: answer))
            absorb(driver.turn(at: now))
        }

        mutating func turn(at now: Duration, hearing message: PeerMessage? = nil) throws {
            if let message { absorb(try driver.receive(message, at: now)) }
            absorb(driver.turn(at: now))
        }
    }

    static func inquiry(term: UInt64, sequence: UInt64) -> PeerMessage {
        var message = ElectionFixtures.message(.inquiry, from: "cam1", term: term, port: 8080)
        message.sequence = sequence
        return message
    }

    static func mapped(_ port: Int) -> Registration.Event {
        .mapped(PortMapping(externalPort: port, internalAddress: "198.51.100.12", internalPort: 8080,
                            lease: .seconds(60), description: "portico:cam2"))
    }

    @Test("a refuted claim's waiting takeover and request are not sent; the request is answered as refused")
    func refutedClaimWhileBusy() throws {
        var cam = Camera()
        // Registered on 8081, following cam1.
        cam.absorb(cam.driver.handle(.start, at: .zero))
        #expect(cam.handedOut == [.queryExternalAddress])
        cam.end(with: .externalAddress("203.0.113.10"), at: .milliseconds(10))
        cam.end(with: .mapFailed(MappingError(.conflict, message: "8080 is cam1's")), at: .milliseconds(20))
        cam.end(with: Self.mapped(8081), at: .milliseconds(30))
        try cam.turn(at: .milliseconds(100), hearing: Self.inquiry(term: 1, sequence: 1))
        #expect(cam.driver.node.registration.mapping?.externalPort == 8081)
        #expect(cam.driver.node.election.representative == "cam1")

        // cam1 falls silent: probes, then the claim, which gives 8081 back first.
        var now = Duration.milliseconds(100)
        while cam.driver.node.election.role != .claiming && now < .seconds(5) {
            now += .milliseconds(10)
            try cam.turn(at: now)
        }
        #expect(cam.driver.node.election.role == .claiming)
        #expect(cam.handedOut.last == .unmap(externalPort: 8081))
        let sentBeforeWaiting = cam.handedOut.count
        // The unmap is slow; the takeover comes due behind it.
        for _ in 0..<10 {
            now += .milliseconds(10)
            try cam.turn(at: now)
        }
        #expect(cam.driver.exchanging)
        #expect(cam.handedOut.count == sentBeforeWaiting)

        // cam1 refutes, in the claim's term; then the unmap ends.
        let term = cam.driver.node.election.term
        try cam.turn(at: now, hearing: Self.inquiry(term: term, sequence: 2))
        #expect(cam.driver.node.election.role == .member)
        now += .milliseconds(10)
        cam.end(with: nil, at: now)

        // Neither the takeover nor the request for 8080 went out; 8081 is asked for again.
        let after = Array(cam.handedOut[sentBeforeWaiting...])
        #expect(!after.contains { if case .takeOver = $0 { true } else { false } })
        #expect(!after.contains { if case .map(let asked) = $0 { asked.externalPort == 8080 } else { false } })
        #expect(after.first == .map(PortMappingRequest(externalPort: 8081, internalAddress: "198.51.100.12", internalPort: 8080,
                                                       lease: .seconds(60), description: "portico:cam2")))

        // The router grants 8081: registration takes it as the answer to that request.
        now += .milliseconds(10)
        cam.end(with: Self.mapped(8081), at: now)
        #expect(cam.driver.node.registration.phase == .mapped)
        #expect(cam.driver.node.registration.mapping?.externalPort == 8081)
        #expect(!cam.driver.exchanging)
    }
}
