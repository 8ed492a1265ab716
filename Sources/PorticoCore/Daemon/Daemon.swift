import Logging
import ServiceLifecycle
import UnixSignals

/// A running board: starts the pieces its profile names and nothing else, replaces the
/// ones whose sections change when the profile is read again (SIGHUP), and stops them
/// cleanly on SIGTERM or SIGINT.
package struct Daemon: Sendable {
    package struct Configuration: Sendable {
        package var profile: Profile
        /// Overrides `[http] address`/`port` from the command line; port 0 picks a free port.
        package var httpAddress: String?
        package var httpPort: Int?
        package var gracefulShutdownSignals: [UnixSignal]
        /// After this the pieces still running are cancelled, so a stuck client or
        /// device can never keep the process alive past a service manager's patience.
        package var shutdownLimit: Duration
        /// Where READY, STATUS, WATCHDOG and STOPPING go (systemd's `NOTIFY_SOCKET`).
        package var serviceManager: ServiceManagerNotifier
        /// Reads the profile again, checked as at start, for a reload on SIGHUP; nil
        /// leaves SIGHUP alone.
        package var readProfileAgain: (@Sendable () async -> Result<Profile, ProfileErrors>)?

        package init(
            profile: Profile, httpAddress: String? = nil, httpPort: Int? = nil,
            gracefulShutdownSignals: [UnixSignal] = [.sigterm, .sigint], shutdownLimit: Duration = .milliseconds(1500),
            serviceManager: ServiceManagerNotifier = .fromProcess,
            readProfileAgain: (@Sendable () async -> Result<Profile, ProfileErrors>)? = nil
        ) {
            self.serviceManager = serviceManager
            self.profile = profile
            self.httpAddress = httpAddress
            self.httpPort = httpPort
            self.gracefulShutdownSignals = gracefulShutdownSignals
            self.shutdownLimit = shutdownLimit
            self.readProfileAgain = readProfileAgain
        }
    }

    package let configuration: Configuration
    let logger: Logger

    package init(configuration: Configuration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
    }

    /// Runs until a shutdown signal or cancellation. `onListening` gets the HTTP port
    /// each time the web server is bound (again after a reload that restarts it).
    package func run(onListening: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        let board = RunningBoard(profile: configuration.profile, logger: logger)
        let listening = StopFlag()
        let actions = WebActions(
            rename: { newName in
                let pieces = board.pieces
                try pieces.name.rename(to: newName)
                pieces.mapping?.rename(to: newName)
            },
            register: {
                guard let mapping = board.pieces.mapping else { return false }
                mapping.register()
                return true
            },
            withdraw: {
                guard let mapping = board.pieces.mapping else { return false }
                mapping.withdraw()
                return true
            },
            panTilt: { board.pieces.profile.panTilt?.instance },
            logger: Self.logger(logger, piece: "admin"))
        let factory = PieceFactory(
            configuration: configuration, board: board, actions: actions, listening: listening, onListening: onListening, logger: logger)

        let pieces = board.pieces
        // Each piece in a place a reload can replace it in. The camera's place closes the
        // hub when the camera stops for good.
        let closeHub: @Sendable () -> Void = { board.pieces.hub?.close() }
        var places: [BoardPiece: ReplaceableService] = [:]
        for piece in BoardPiece.allCases {
            let initial: (any Service)? = factory.service(piece, pieces)
            var whenStopped: @Sendable () -> Void = {}
            if case .camera = piece { whenStopped = closeHub }
            let place = ReplaceableService(
                name: piece.description, initial: initial, stopLimit: configuration.shutdownLimit, logger: logger, whenStopped: whenStopped)
            places[piece] = place
        }
        // Shutdown runs in reverse order: the reloads end first, then the service
        // manager hears of it, then the camera stops and closes the hub, which ends the
        // streams, and the web server has nothing left to wait for.
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = []
        for piece in [BoardPiece.web, .mapping, .panTilt, .registrationSwitch, .camera] {
            services.append(.init(service: places[piece]!))
        }
        services.append(.init(service: ServiceManagerService(
            notifier: configuration.serviceManager, listening: listening, hub: { board.pieces.hub },
            siteTurned: { board.pieces.mapping?.lastTurn },
            status: { ServiceManagerService.status(of: board.report()) }, logger: Self.logger(logger, piece: "systemd"))))
        if let readProfileAgain = configuration.readProfileAgain {
            services.append(.init(service: ProfileReload(
                read: readProfileAgain, board: board, places: places, factory: factory, logger: Self.logger(logger, piece: "reload"))))
        }
        for piece in pieces.profile.pieces where !piece.isPresent {
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
