import Logging
import ServiceLifecycle
import Synchronization

/// Keeps the camera registered with the router for the life of the daemon, and gives
/// its port back on shutdown so the router's table lists only running cameras.
package final class RegistrationService: MappingService {
    package struct Configuration: Sendable {
        package var settings: MappingSettings
        /// `portico:<camera name>`.
        package var description: String
        /// Longest a shutdown waits for the router to take the mapping back.
        package var withdrawLimit: Duration

        package init(settings: MappingSettings, cameraName: String, withdrawLimit: Duration = .milliseconds(800)) {
            self.settings = settings
            self.description = MappingDescription.of(camera: cameraName)
            self.withdrawLimit = withdrawLimit
        }
    }

    private let configuration: Configuration
    private let backend: any MappingBackend
    private let logger: Logger
    private let state = Mutex(Shared())

    private struct Shared {
        var status: RegistrationStatus?
        var internalPort: Int?
        var pending: [Registration.Event] = []
    }

    package init(configuration: Configuration, backend: any MappingBackend, logger: Logger) {
        self.configuration = configuration
        self.backend = backend
        self.logger = logger
    }

    package func webServerListening(on port: Int) {
        state.withLock { $0.internalPort = port }
    }

    /// One port is enough: nothing else is mapped beside the camera's own.
    package func fixedPortListening(on port: Int) {}

    package func register() { state.withLock { $0.pending.append(.start) } }

    package func withdraw() { state.withLock { $0.pending.append(.withdraw) } }

    package func rename(to name: String) {
        state.withLock { $0.pending.append(.renamed(description: MappingDescription.of(camera: name))) }
    }

    package var registrationStatus: RegistrationStatus? { state.withLock { $0.status } }

    /// A camera on its own is of no site.
    package var siteStatus: SiteStatus? { nil }

    package var lastTurn: ContinuousClock.Instant? { nil }

    package func run() async throws {
        let settings = configuration.settings
        let interface = settings.interface
        guard let (address, port) = await AddressWatch.waitForAddress(of: interface, logger: logger, ports: {
            state.withLock { $0.internalPort }
        }) else { return }
        logger.info("registering", metadata: ["interface": "\(settings.interface)", "address": "\(address)", "port": "\(port)"])
        var driver = RegistrationDriver(
            configuration: .init(
                fixedPort: settings.fixedPort, ports: settings.ports, lease: settings.lease, internalAddress: address,
                internalPort: port, description: configuration.description, describesMappings: backend.canListMappings),
            backend: backend, logger: logger)
        if settings.register == .boot { await driver.handle(.start) }
        publish(driver)
        var watch = AddressWatch(interface: settings.interface, address: address, at: driver.now)

        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            for event in state.withLock({ state in defer { state.pending.removeAll() }; return state.pending }) {
                await driver.handle(event)
            }
            if let moved = watch.poll(at: driver.now) {
                logger.notice("LAN address changed; moving the mapping", metadata: ["address": "\(moved)"])
                await driver.handle(.addressChanged(moved))
            }
            await driver.advance()
            publish(driver)
            let tick = ContinuousClock.now + .milliseconds(100)
            try? await Task.sleep(until: min(tick, driver.wakeup ?? tick))
        }
        await withdraw(driver)
    }

    private func publish(_ driver: RegistrationDriver) {
        let status = driver.machine.status
        let before = state.withLock { state in
            defer { state.status = status }
            return state.status
        }
        if before != status { RegistrationNews.log(RegistrationNews.between(before, status), to: logger) }
    }

    /// Shutdown: hand the port back, within a bound, so the next representative can take it.
    private func withdraw(_ driver: RegistrationDriver) async {
        guard driver.machine.mapping != nil else { return }
        await withinLimit(configuration.withdrawLimit) {
            var driver = driver
            await driver.handle(.withdraw)
        }
        state.withLock { $0.status?.phase = .idle }
    }

}
