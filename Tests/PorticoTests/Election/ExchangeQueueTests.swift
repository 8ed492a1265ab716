import FirstComePolicy
import PorticoCore
import Testing

/// The driver's queue of router exchanges and the order of a turn, step by step on one
/// camera: what the randomized sites only meet when a slow exchange, a claim and its
/// refutation, or two answers and a request happen to line up in one turn.
///
/// cam2 follows cam1, hears nothing from it, and claims the fixed port. Over NAT-PMP (one
/// mapping per internal port) the claim first gives cam2's own port back; that exchange
/// is slow, so the takeover of cam1's mapping and the request for 8080 wait behind it.
/// If cam1 refutes the claim meanwhile, both waiting exchanges must go unsent (a takeover
/// would delete cam1's live mapping, a request would take 8080 the moment cam1 let go),
/// and the request must still be answered, as refused, or the answers that follow would
/// be taken for the wrong requests. `scripts/mutate-driver` runs these beside the
/// simulation: each of its faults fails at least one of them.
@Suite("Exchange queue")
struct ExchangeQueueTests {
    struct Camera {
        var driver: CameraNodeDriver
        /// Every exchange handed out, in order.
        var handedOut: [Registration.Action] = []

        init(describesMappings: Bool = false) {
            let registration = Registration.Configuration(
                fixedPort: 8080, ports: PortRange(8081, 8099), lease: .seconds(60),
                internalAddress: "198.51.100.12", internalPort: 8080, description: "portico:cam2", fixedLease: .seconds(3),
                describesMappings: describesMappings)
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

    /// cam2 registered on 8081 (after 8080 was refused), following cam1.
    static func registered(describesMappings: Bool = false) throws -> Camera {
        var cam = Camera(describesMappings: describesMappings)
        cam.absorb(cam.driver.handle(.start, at: .zero))
        #expect(cam.handedOut == [.queryExternalAddress])
        cam.end(with: .externalAddress("203.0.113.10"), at: .milliseconds(10))
        cam.end(with: .mapFailed(MappingError(.conflict, message: "8080 is cam1's")), at: .milliseconds(20))
        cam.end(with: Self.mapped(8081), at: .milliseconds(30))
        try cam.turn(at: .milliseconds(100), hearing: Self.inquiry(term: 1, sequence: 1))
        #expect(cam.driver.node.registration.mapping?.externalPort == 8081)
        #expect(cam.driver.node.election.representative == "cam1")
        return cam
    }

    /// cam1 falls silent: cam2 probes, then claims, which gives 8081 back first; that
    /// exchange is slow, and the takeover and the request for 8080 come due behind it.
    /// Returns the time.
    static func claimingBehindASlowExchange(_ cam: inout Camera) throws -> Duration {
        var now = Duration.milliseconds(100)
        while cam.driver.node.election.role != .claiming && now < .seconds(5) {
            now += .milliseconds(10)
            try cam.turn(at: now)
        }
        #expect(cam.driver.node.election.role == .claiming)
        #expect(cam.handedOut.last == .unmap(externalPort: 8081))
        let sent = cam.handedOut.count
        for _ in 0..<10 {
            now += .milliseconds(10)
            try cam.turn(at: now)
        }
        #expect(cam.driver.exchanging)
        #expect(cam.handedOut.count == sent)
        return now
    }

    @Test("a refuted claim's waiting takeover and request are not sent; the request is answered as refused")
    func refutedClaimWhileBusy() throws {
        var cam = try Self.registered()
        var now = try Self.claimingBehindASlowExchange(&cam)
        let sentBeforeWaiting = cam.handedOut.count

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

    @Test("answers that end in one turn reach the node in the order they came: a refused takeover's lease, then the refusal")
    func answersInOrder() throws {
        var cam = try Self.registered()
        let now = try Self.claimingBehindASlowExchange(&cam)
        // The unmap, the takeover (refused: the router says 2 s are left of cam1's lease)
        // and the request (refused) all end before the camera's loop turns again.
        cam.absorb(cam.driver.exchangeEnded(answer: nil))
        #expect(cam.handedOut.last == .takeOver(externalPort: 8080, from: "198.51.100.11"))
        cam.absorb(cam.driver.exchangeEnded(answer: .takeOverRefused(leaseLeft: .seconds(2))))
        #expect(cam.handedOut.last.map { if case .map(let asked) = $0 { asked.externalPort == 8080 } else { false } } == true)
        cam.absorb(cam.driver.exchangeEnded(answer: .mapFailed(MappingError(.conflict, message: "8080 is still cam1's"))))
        let sent = cam.handedOut.count
        try cam.turn(at: now)

        // Told the lease, the claim asks again a second before it lapses, not at the
        // usual half-second retry (the refusal first would have set that).
        var at = now
        while cam.handedOut.count == sent && at < now + .seconds(3) {
            at += .milliseconds(10)
            try cam.turn(at: at)
        }
        #expect(cam.handedOut.count == sent + 1)
        #expect(at - now >= .milliseconds(990), "asked again \(at - now) after the refusals")
    }

    @Test("a rename in the turn that hears a grant redescribes the port just granted")
    func requestsAfterAnswers() throws {
        var cam = Camera(describesMappings: true)
        cam.absorb(cam.driver.handle(.start, at: .zero))
        cam.end(with: .externalAddress("203.0.113.10"), at: .milliseconds(10))
        cam.end(with: .mapFailed(MappingError(.conflict, message: "8080 is cam1's")), at: .milliseconds(20))
        #expect(cam.handedOut.last.map { if case .map(let asked) = $0 { asked.externalPort == 8081 } else { false } } == true)
        // 8081 granted (under portico:cam2); in the same turn the API renames the camera.
        cam.absorb(cam.driver.exchangeEnded(answer: Self.mapped(8081)))
        let sent = cam.handedOut.count
        cam.absorb(cam.driver.turn(at: .milliseconds(30), requests: [.rename("porch")]))
        // The grant first, so the rename finds 8081 held and makes it again under the new name.
        #expect(Array(cam.handedOut[sent...]) == [.giveBack(externalPort: 8081, holder: "198.51.100.12")])
        cam.end(with: nil, at: .milliseconds(40))
        #expect(cam.handedOut.last == .map(PortMappingRequest(externalPort: 8081, internalAddress: "198.51.100.12", internalPort: 8080,
                                                              lease: .seconds(60), description: "portico:porch")))
    }
}
