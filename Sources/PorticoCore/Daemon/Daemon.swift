import Logging
import ServiceLifecycle
import UnixSignals

/// A running board: starts the pieces its profile names and nothing else, and stops
/// them cleanly on SIGTERM or SIGINT.
public struct Daemon: Sendable {
    public struct Configuration: Sendable {
        public var profile: Profile
        /// Overrides `[http] address`/`port` from the command line; port 0 picks a free port.
        public var httpAddress: String?
        public var httpPort: Int?
        public var gracefulShutdownSignals: [UnixSignal]
        /// After this the pieces still running are cancelled, so a stuck client or
        /// device can never keep the process alive past a service manager's patience.
        public var shutdownLimit: Duration
        /// Where READY, STATUS, WATCHDOG and STOPPING go (systemd's `NOTIFY_SOCKET`).
        public var serviceManager: ServiceManagerNotifier

        public init(
            profile: Profile, httpAddress: String? = nil, httpPort: Int? = nil,
            gracefulShutdownSignals: [UnixSignal] = [.sigterm, .sigint], shutdownLimit: Duration = .milliseconds(1500),
            serviceManager: ServiceManagerNotifier = .fromProcess
        ) {
            self.serviceManager = serviceManager
            self.profile = profile
            self.httpAddress = httpAddress
            self.httpPort = httpPort
            self.gracefulShutdownSignals = gracefulShutdownSignals
            self.shutdownLimit = shutdownLimit
        }
    }

    public let configuration: Configuration
    let logger: Logger

    public init(configuration: Configuration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
    }

    /// Runs until a shutdown signal or cancellation. `onListening` gets the HTTP port once bound.
    public func run(onListening: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        let profile = configuration.profile
        let hub = profile.camera.map { _ in FrameHub() }
        let name = CameraName(profileName: profile.name, stateDirectory: profile.stateDirectory)
        let exchanges = RouterExchanges()
        // With [election] the camera takes part in its site (registration included);
        // with [mapping] alone it only keeps its own port.
        let site: SiteService? = profile.mapping.flatMap { mapping in
            profile.election.map { election in
                SiteService(
                    configuration: .init(mapping: mapping.settings, election: election.settings, cameraName: name.value),
                    backend: TimedMappingBackend(backend: mapping.instance, exchanges: exchanges), policy: election.instance,
                    logger: Self.logger(logger, piece: "site"))
            }
        }
        let registration: RegistrationService? = site != nil ? nil : profile.mapping.map { mapping in
            RegistrationService(
                configuration: .init(settings: mapping.settings, cameraName: name.value),
                backend: TimedMappingBackend(backend: mapping.instance, exchanges: exchanges), logger: Self.logger(logger, piece: "mapping"))
        }
        let state = StateReporter(profile: profile, name: name, hub: hub, registration: registration, site: site)
        let actions = WebActions(
            rename: { newName in
                try name.rename(to: newName)
                site?.rename(to: newName)
                registration?.rename(to: newName)
            },
            register: {
                if let site { site.register() } else if let registration { registration.register() } else { return false }
                return true
            },
            withdraw: {
                if let site { site.withdraw() } else if let registration { registration.withdraw() } else { return false }
                return true
            },
            panTilt: profile.panTilt?.instance)

        let admin = AdminGuard(credentialFile: profile.http.adminFile)
        let metrics = MetricsReporter(
            hub: hub, admin: admin, exchanges: profile.mapping == nil ? nil : exchanges, registration: { registration?.status ?? site?.registrationStatus },
            site: { site?.siteStatus })
        let web = WebServer(
            configuration: .init(
                address: configuration.httpAddress ?? profile.http.address,
                port: configuration.httpPort ?? profile.http.port, views: profile.http.views,
                lanInterface: profile.mapping?.settings.interface,
                // The directory page reads the site again about once a heartbeat, within reason.
                directoryRefresh: min(max(profile.election?.settings.inquiry ?? .seconds(1), .milliseconds(500)), .seconds(10))),
            name: { name.value }, hub: hub, logger: Self.logger(logger, piece: "http"),
            state: { state.report() }, directory: { site?.siteStatus },
            admin: AdminSessions(
                passwords: admin,
                reach: .lan(of: profile.mapping?.settings.interface, from: profile.http.adminFrom)),
            actions: actions, metrics: metrics)

        let listening = StopFlag()
        // Shutdown runs in reverse order: the service manager hears of it first, then the
        // camera stops and closes the hub, which ends the streams, and the web server has
        // nothing left to wait for.
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [
            .init(service: web.application(onListening: { port in
                logger.info("serving http://\(configuration.httpAddress ?? profile.http.address):\(port)/")
                listening.set()
                registration?.webServerListening(on: port)
                site?.webServerListening(on: port)
                await onListening(port)
            }))
        ]
        if let site, site.needsFixedPortListener {
            // The fixed port forwards to a port of its own (see `SiteService.needsFixedPortListener`): any free one.
            services.append(.init(service: web.application(port: 0, onListening: { port in
                logger.info("serving the fixed port's mapping on port \(port)")
                site.fixedPortListening(on: port)
            })))
        }
        if let registration {
            services.append(.init(service: registration))
        }
        if let site {
            services.append(.init(service: site))
        }
        if let panTilt = profile.panTilt {
            logger.info("starting pan/tilt", metadata: ["plugin": "\(panTilt.pluginName)", "settings": "\(panTilt.settings)"])
            services.append(.init(service: PanTiltService(
                driver: panTilt.instance, stateDirectory: profile.stateDirectory, logger: Self.logger(logger, piece: "pan_tilt"))))
        }
        if let button = profile.registrationSwitch {
            logger.info("starting registration switch", metadata: ["plugin": "\(button.pluginName)", "settings": "\(button.settings)"])
            services.append(.init(service: SwitchService(
                registrationSwitch: button.instance, actions: actions,
                light: { StatusLightSource.light(registration: registration?.status ?? site?.registrationStatus, role: site?.siteStatus?.role) },
                logger: Self.logger(logger, piece: "switch"))))
        }
        if let camera = profile.camera, let hub {
            logger.info("starting camera", metadata: ["plugin": "\(camera.pluginName)", "settings": "\(camera.settings)"])
            services.append(.init(service: CameraService(
                source: camera.instance, hub: hub, logger: Self.logger(logger, piece: "camera"))))
        }
        services.append(.init(service: ServiceManagerService(
            notifier: configuration.serviceManager, listening: listening, hub: hub, siteTurned: { site?.lastTurn },
            status: { ServiceManagerService.status(of: state.report()) }, logger: Self.logger(logger, piece: "systemd"))))
        for piece in profile.pieces where !piece.isPresent {
            logger.info("not starting \(piece.section)", metadata: ["reason": "\(piece.detail)"])
        }

        var groupConfiguration = ServiceGroupConfiguration(
            services: services, gracefulShutdownSignals: configuration.gracefulShutdownSignals, logger: logger)
        groupConfiguration.maximumGracefulShutdownDuration = configuration.shutdownLimit
        // Past this ServiceLifecycle ends the process by crashing; a C call still bounded by
        // its own timeout (a router exchange on a lossy LAN) must have time to return first.
        groupConfiguration.maximumCancellationDuration = .seconds(3)
        try await ServiceGroup(configuration: groupConfiguration).run()
        logger.info("stopped")
    }

    /// Each piece logs under its own name, so a board's journal says which piece spoke.
    static func logger(_ base: Logger, piece: String) -> Logger {
        var logger = base
        logger[metadataKey: "piece"] = "\(piece)"
        return logger
    }
}
