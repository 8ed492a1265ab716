import Logging
import ServiceLifecycle
import Synchronization

/// Runs this camera's `CameraNodeDriver` for the life of the daemon: the router through
/// the mapping backend, the peers through multicast, time through a steady tick.
///
/// Everything reaches the driver through one loop and is handled one at a time, as the
/// state machines assume; the router and the socket are only touched here. What comes
/// in what order is the driver's to say; this gives it real time, sockets and tasks.
///
/// Exchanges with the router run beside that loop, never in it (see the driver): by a
/// task of their own, whose every end comes back into the loop; the representative's
/// reads of the router's table run in a task of their own, so a long listing holds up
/// no renewal.
package final class SiteService: MappingService {
    package struct Configuration: Sendable {
        package var mapping: MappingSettings
        package var election: ElectionSettings
        package var cameraName: String
        /// Longest a shutdown waits for the router to take the port back before it says bye.
        package var leaveLimit: Duration

        package init(mapping: MappingSettings, election: ElectionSettings, cameraName: String, leaveLimit: Duration = .milliseconds(400)) {
            self.mapping = mapping
            self.election = election
            self.cameraName = cameraName
            self.leaveLimit = leaveLimit
        }
    }

    private enum Input: Sendable {
        case datagram([UInt8])
        case tick
    }

    /// Asks the loop for a turn: at most one tick waits in the stream, so a loop held up
    /// for a moment finds its peers' datagrams there, not pushed out by ticks that all
    /// mean "turn now".
    private final class Waker: Sendable {
        private let queued = Atomic<Bool>(false)
        private let continuation: AsyncStream<Input>.Continuation

        init(_ continuation: AsyncStream<Input>.Continuation) { self.continuation = continuation }

        func wake() {
            if !queued.exchange(true, ordering: .acquiringAndReleasing) { continuation.yield(.tick) }
        }

        /// The loop took the tick; called before it reads what is due, so whatever
        /// arrives from then on asks for another turn.
        func woke() { queued.store(false, ordering: .releasing) }

        /// A peer's datagram for the loop. A flood that pushes the waiting tick out of the
        /// stream must not leave the loop without one: it is queued again.
        func deliver(_ datagram: [UInt8]) {
            if case .dropped(.tick) = continuation.yield(.datagram(datagram)) {
                woke()
                wake()
            }
        }
    }

    private enum Returned: Sendable {
        case exchangeEnded(Registration.Event?)
        case tableRead([PortMapping]?)
    }

    private let configuration: Configuration
    private let backend: any MappingBackend
    private let policy: any ElectionPolicy
    private let logger: Logger
    private let shared = Mutex(Shared())

    private struct Shared {
        var internalPort: Int?
        var fixedInternalPort: Int?
        /// Requests from the API and the switch, handled in the loop in order.
        var pending: [CameraNode.Event] = []
        /// The ends of the router worker's exchanges and of table reads, handed back to the loop in order.
        var returned: [Returned] = []
        /// The claim of the fixed port registration is making, as of the loop's last step.
        var activeClaim: Int?
        var registration: RegistrationStatus?
        var site: SiteStatus?
        var dropped: [String: Int] = [:]
        /// When the loop last turned (every 20 ms while it runs), for the watchdog.
        var lastTurn: ContinuousClock.Instant?
    }

    package init(configuration: Configuration, backend: any MappingBackend, policy: any ElectionPolicy, logger: Logger) {
        self.configuration = configuration
        self.backend = backend
        self.policy = policy
        self.logger = logger
    }

    package func webServerListening(on port: Int) { shared.withLock { $0.internalPort = port } }

    /// Whether the web server must also listen on a port for the fixed port's mapping
    /// alone. A representative keeps its own port mapped beside the fixed one, so links to
    /// it stay valid; a router that keeps one mapping per internal port (NAT-PMP) can hold
    /// both only if they forward to two internal ports. The own port's mapping stays on
    /// the main port, where it was made, and the fixed port gets the second: so a claim
    /// neither moves nor gives back the own mapping, and the fixed port's mapping (made,
    /// lost and given back as the role moves) never deletes the other, since NAT-PMP
    /// deletes by internal port.
    package var needsFixedPortListener: Bool { Self.needsFixedPortListener(backend: backend) }

    /// The same, for a site that would map through `backend`: known before it starts.
    package static func needsFixedPortListener(backend: any MappingBackend) -> Bool { !backend.keepsSeveralMappingsPerHost }

    package func fixedPortListening(on port: Int) { shared.withLock { $0.fixedInternalPort = port } }

    package func register() { shared.withLock { $0.pending.append(.start) } }

    package func withdraw() { shared.withLock { $0.pending.append(.leave) } }

    package func rename(to name: String) { shared.withLock { $0.pending.append(.rename(name)) } }

    package var registrationStatus: RegistrationStatus? { shared.withLock { $0.registration } }

    package var siteStatus: SiteStatus? { shared.withLock { $0.site } }

    package var lastTurn: ContinuousClock.Instant? { shared.withLock { $0.lastTurn } }

    package func run() async throws {
        let interface = configuration.mapping.interface
        // The web server's port, and the fixed port's (the same where the router keeps
        // several mappings per host).
        guard let (address, (port, fixedInternalPort)) = await AddressWatch.waitForAddress(of: interface, logger: logger, ports: {
            shared.withLock { shared in
                shared.internalPort.flatMap { port in (needsFixedPortListener ? shared.fixedInternalPort : port).map { (port, $0) } }
            }
        }) else { return }
        let codec = try PeerCodec(siteKey: configuration.election.siteKey)
        let transport = try MulticastTransport(interface: interface, group: configuration.election.group, port: configuration.election.port)
        let id = Self.hardwareAddress(of: interface) ?? "\(configuration.cameraName)@\(address)"
        let serverValue = configuration.election.serverValue.isEmpty ? id : configuration.election.serverValue
        let origin = ContinuousClock.now
        var clock: Duration { ContinuousClock.now - origin }
        let mapping = configuration.mapping
        let node = CameraNode(
            registration: .init(fixedPort: mapping.fixedPort, ports: mapping.ports, lease: mapping.lease, internalAddress: address,
                                internalPort: port, description: MappingDescription.of(camera: configuration.cameraName), fixedLease: mapping.fixedLease,
                                fixedLeaseWhereDeletable: max(mapping.fixedLease, MappingSettings.fixedLeaseWhereDeletable),
                                keepsOwnPort: true, fixedInternalPort: fixedInternalPort,
                                describesMappings: backend.canListMappings),
            election: .init(id: id, inquiryInterval: configuration.election.inquiry, missed: configuration.election.missed,
                            claimTimeout: mapping.timeout * 2),
            policy: policy,
            me: CameraRecord(name: configuration.cameraName, internalAddress: address, internalPort: port, externalPort: nil,
                             serverValue: serverValue),
            at: clock, listsUnverified: configuration.election.listsUnverified)
        var driver = CameraNodeDriver(node: node, configuration: .init(
            copies: configuration.election.copies, readsRouterTable: backend.canListMappings,
            sequenceFloor: { WallClock.microseconds }))
        var watch = AddressWatch(interface: interface, address: address, at: clock)
        logger.info("joining the site", metadata: ["id": "\(id)", "group": "\(transport.group):\(transport.port)", "address": "\(address)"])

        let (inputs, continuation) = AsyncStream.makeStream(of: Input.self, bufferingPolicy: .bufferingNewest(256))
        let waker = Waker(continuation)
        let stop = StopFlag()
        let receiver = Task {
            try? await DedicatedThread.run(name: "peers") { threadStop in
                while !threadStop.isSet && !stop.isSet {
                    if let datagram = transport.receive(timeout: .milliseconds(100)) { waker.deliver(datagram) }
                }
            }
        }
        let ticker = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(20))
                waker.wake()
            }
        }
        defer {
            stop.set()
            receiver.cancel()
            ticker.cancel()
            continuation.finish()
        }

        // The router's worker: carries out the exchanges the driver hands out, one at a
        // time, and hands each end back to the loop (through `shared`, which no flood of
        // datagrams can overflow), waking it at once.
        let (exchanges, exchangeQueue) = AsyncStream.makeStream(of: CameraNodeDriver.Exchange.self)
        let routerBackend = backend
        let routerLogger = logger
        let routerWorker = Task { [self] in
            for await exchange in exchanges {
                if Task.isCancelled { break }
                let claim = exchange.claim
                let stillWanted: @Sendable () -> Bool = { [self] in claim == nil || shared.withLock { $0.activeClaim } == claim }
                let outcome = await routerBackend.perform(exchange.action, logger: routerLogger, stillWanted: stillWanted)
                shared.withLock { $0.returned.append(.exchangeEnded(outcome)) }
                waker.wake()
            }
        }
        defer {
            exchangeQueue.finish()
            routerWorker.cancel()
        }

        func carryOut(_ outputs: [CameraNodeDriver.Output]) {
            for output in outputs {
                switch output {
                case .send(let message):
                    do {
                        transport.send(try codec.encode(message))
                    } catch {
                        logger.warning("message not sent", metadata: ["kind": "\(message.kind)", "error": "\(error)"])
                    }
                case .exchange(let exchange):
                    let claim = driver.activeClaim
                    shared.withLock { $0.activeClaim = claim }
                    exchangeQueue.yield(exchange)
                case .readTable:
                    let tableBackend = backend
                    Task { [self] in
                        let table = try? await tableBackend.mappings()
                        shared.withLock { $0.returned.append(.tableRead(table)) }
                    }
                case .roleChanged(let role, let term, let cause):
                    var metadata: Logger.Metadata = ["term": "\(term)"]
                    if let cause { metadata["after"] = "\(cause.kind) from \(cause.camera.name)" }
                    logger.notice("role \(role)", metadata: metadata)
                }
            }
        }

        if mapping.register == .boot { carryOut(driver.handle(.start, at: clock)) }
        var generation = backend.routerGeneration
        for await input in inputs {
            if Task.isCancelled || Task.isShuttingDownGracefully { break }
            switch input {
            case .datagram(let bytes):
                do throws(PeerCodecError) {
                    carryOut(try driver.receive(try codec.decode(bytes), at: clock))
                } catch {
                    shared.withLock { $0.dropped[error.code.rawValue, default: 0] += 1 }
                    logger.debug("datagram dropped", metadata: ["reason": "\(error)"])
                }
            case .tick:
                waker.woke()
                let (requests, returned) = shared.withLock { shared in
                    defer { shared.pending.removeAll(); shared.returned.removeAll() }
                    return (shared.pending, shared.returned)
                }
                for end in returned {
                    switch end {
                    case .exchangeEnded(let answer): carryOut(driver.exchangeEnded(answer: answer))
                    case .tableRead(let table): driver.tableRead(table)
                    }
                }
                let moved = watch.poll(at: clock)
                if let moved {
                    // The membership first, so the notice the node sends goes out from the new address.
                    do {
                        try transport.follow(address: moved)
                    } catch {
                        logger.warning("peers not followed to the new address", metadata: ["error": "\(error)"])
                    }
                    logger.notice("LAN address changed; moving the mapping", metadata: ["address": "\(moved)"])
                }
                let restarted = backend.routerGeneration != generation
                generation = backend.routerGeneration
                carryOut(driver.turn(at: clock, requests: requests, addressChanged: moved, routerRestarted: restarted))
            }
            publish(driver.node)
        }

        // Leaving: no more exchanges from the worker; the port back to the router first,
        // then bye (see `CameraNodeDriver.leave`). Within a bound: a slow or lossy router
        // cannot hold up the shutdown, nor the bye for long (the successor then takes the
        // mapping over itself).
        exchangeQueue.finish()
        routerWorker.cancel()
        let (requests, byes) = driver.leave(at: clock)
        let leavingBackend = backend
        let leavingLogger = logger
        await withinLimit(configuration.leaveLimit) {
            for request in requests { _ = await leavingBackend.perform(request, logger: leavingLogger) }
        }
        carryOut(byes.map(CameraNodeDriver.Output.send))
        publish(driver.node)
    }

    private func publish(_ node: CameraNode) {
        let registration = node.registration.status
        let external = registration.externalAddress
        let representativeID = node.election.representative
        let representativeName = representativeID == node.election.configuration.id
            ? node.election.me.name : representativeID.flatMap { node.election.peers[$0]?.record.name }
        let entries = node.directory().map { record in
            Directory.Entry(
                name: record.name, url: external.map { "http://\($0):\(record.externalPort!)/" },
                internal_address: record.internalAddress, internal_port: record.internalPort, external_port: record.externalPort!,
                representative: record.externalPort == configuration.mapping.fixedPort, verified: node.isVerified(record))
        }
        let before = shared.withLock { shared in
            defer { shared.registration = registration }
            return shared.registration
        }
        if before != registration { RegistrationNews.log(RegistrationNews.between(before, registration), to: logger) }
        shared.withLock { shared in
            shared.lastTurn = .now
            shared.activeClaim = node.registration.activeClaim
            shared.site = SiteStatus(
                role: node.election.role, term: node.election.term, representative: representativeName,
                dropped: shared.dropped, directory: Directory(external_address: external, cameras: entries))
        }
    }

    /// The interface's MAC address: stable across restarts and unique on the LAN.
    static func hardwareAddress(of interface: String) -> String? {
        guard let text = try? ProfileLoader.read("/sys/class/net/\(interface)/address") else { return nil }
        let address = text.filter { !$0.isWhitespace }
        return address.isEmpty || address == "00:00:00:00:00:00" ? nil : address
    }
}
