import Logging

/// Carries out what the registration state machine asks, one exchange with the router
/// at a time, and feeds each answer back in: the one place where `Registration` meets
/// a real `MappingBackend`. Used by the daemon's service and by `portico map`.
package struct RegistrationDriver: Sendable {
    package private(set) var machine: Registration
    package let backend: any MappingBackend
    let logger: Logger
    private let origin: ContinuousClock.Instant
    private var generation: Int

    package init(configuration: Registration.Configuration, backend: any MappingBackend, logger: Logger) {
        self.machine = Registration(configuration: configuration)
        self.backend = backend
        self.logger = logger
        self.origin = .now
        self.generation = backend.routerGeneration
    }

    /// Time on the machine's clock.
    package var now: Duration { ContinuousClock.now - origin }

    /// When the machine next wants `advance`, on the real clock.
    package var wakeup: ContinuousClock.Instant? { machine.wakeup.map { origin + $0 } }

    package mutating func handle(_ event: Registration.Event) async {
        await carryOut(machine.handle(event, at: now))
    }

    /// Does what is due, and notices a router restart the backend saw since last time.
    package mutating func advance() async {
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
            if let outcome = await backend.perform(action, logger: logger) {
                queue.append(contentsOf: machine.handle(outcome, at: now))
            }
        }
    }
}
