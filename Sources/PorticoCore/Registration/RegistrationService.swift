import Logging
import ServiceLifecycle
import Synchronization

/// Keeps the camera registered with the router for the life of the daemon, and gives
/// its port back on shutdown so the router's table lists only running cameras.
public final class RegistrationService: Service, Sendable {
    public struct Configuration: Sendable {
        public var settings: MappingSettings
        /// `portico:<camera name>`.
        public var description: String
        /// Longest a shutdown waits for the router to take the mapping back.
        public var withdrawLimit: Duration

        public init(settings: MappingSettings, cameraName: String, withdrawLimit: Duration = .milliseconds(800)) {
            self.settings = settings
            self.description = Registration.description(ofCamera: cameraName)
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

    public init(configuration: Configuration, backend: any MappingBackend, logger: Logger) {
        self.configuration = configuration
        self.backend = backend
        self.logger = logger
    }

    /// The web server's port, once bound: what the mapping forwards to.
    public func webServerListening(on port: Int) {
        state.withLock { $0.internalPort = port }
    }

    /// The registration switch, in software or hardware: register now.
    public func register() { state.withLock { $0.pending.append(.start) } }

    /// The long press: give the port back and stop renewing.
    public func withdraw() { state.withLock { $0.pending.append(.withdraw) } }

    /// The router's table shows the new name once the mapping is made again under it.
    public func rename(to name: String) {
        state.withLock { $0.pending.append(.renamed(description: Registration.description(ofCamera: name))) }
    }

    /// For `/state`; nil until registration has begun.
    public var status: RegistrationStatus? { state.withLock { $0.status } }

    public func run() async throws {
        let settings = configuration.settings
        guard let (address, port) = await waitForAddressAndPort() else { return }
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
        let limit = configuration.withdrawLimit
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                var driver = driver
                await driver.handle(.withdraw)
            }
            group.addTask { try? await Task.sleep(for: limit) }
            await group.next()
            group.cancelAll()
        }
        state.withLock { $0.status?.phase = .idle }
    }

    /// The interface may still be coming up (DHCP) when the daemon starts.
    private func waitForAddressAndPort() async -> (String, Int)? {
        var warned = false
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            let port = state.withLock { $0.internalPort }
            if let address = NetworkInterface.ipv4Address(of: configuration.settings.interface), let port {
                return (address, port)
            }
            if port != nil && !warned {
                logger.warning("no IPv4 address on \(configuration.settings.interface) yet; waiting",
                               metadata: ["hint": "check [mapping] interface in the profile"])
                warned = true
            }
            try? await Task.sleep(for: .milliseconds(100))
        }
        return nil
    }
}
