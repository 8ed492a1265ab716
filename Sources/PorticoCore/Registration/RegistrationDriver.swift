import Logging

/// Carries out what the registration state machine asks, one exchange with the router
/// at a time, and feeds each answer back in: the one place where `Registration` meets
/// a real `MappingBackend`. Used by the daemon's service and by `portico map`.
public struct RegistrationDriver: Sendable {
    public private(set) var machine: Registration
    public let backend: any MappingBackend
    let logger: Logger
    private let origin: ContinuousClock.Instant
    private var generation: Int

    public init(configuration: Registration.Configuration, backend: any MappingBackend, logger: Logger) {
        self.machine = Registration(configuration: configuration)
        self.backend = backend
        self.logger = logger
        self.origin = .now
        self.generation = backend.routerGeneration
    }

    /// Time on the machine's clock.
    public var now: Duration { ContinuousClock.now - origin }

    /// When the machine next wants `advance`, on the real clock.
    public var wakeup: ContinuousClock.Instant? { machine.wakeup.map { origin + $0 } }

    public mutating func handle(_ event: Registration.Event) async {
        await carryOut(machine.handle(event, at: now))
    }

    /// Does what is due, and notices a router restart the backend saw since last time.
    public mutating func advance() async {
        let current = backend.routerGeneration
        if current != generation {
            generation = current
            logger.notice("router restarted; mapping again")
            await handle(.routerRestarted)
        }
        await carryOut(machine.advance(to: now))
    }

    private mutating func carryOut(_ first: [Registration.Action]) async {
        var queue = first[...]
        while let action = queue.popFirst() {
            var followUp: [Registration.Action] = []
            switch action {
            case .queryExternalAddress:
                do {
                    let address = try await backend.externalAddress()
                    followUp = machine.handle(.externalAddress(address), at: now)
                } catch {
                    logger.warning("cannot learn the external address", metadata: ["error": "\(error)"])
                    followUp = machine.handle(.externalAddressFailed(error), at: now)
                }
            case .map(let request):
                do {
                    let granted = try await backend.map(request)
                    logger.info("mapped", metadata: ["external_port": "\(granted.externalPort)", "asked": "\(request.externalPort)",
                                                     "lease": "\(ProfileDuration.format(granted.lease))"])
                    followUp = machine.handle(.mapped(granted), at: now)
                } catch {
                    logger.info("port \(request.externalPort) not mapped", metadata: ["error": "\(error)", "code": "\(error.code)"])
                    followUp = machine.handle(.mapFailed(error), at: now)
                }
            case .unmap(let port):
                do {
                    try await backend.unmap(externalPort: port)
                    logger.info("unmapped", metadata: ["external_port": "\(port)"])
                } catch {
                    logger.warning("could not remove a mapping; it ends with its lease", metadata: ["external_port": "\(port)", "error": "\(error)"])
                }
            }
            queue.append(contentsOf: followUp)
        }
    }
}
