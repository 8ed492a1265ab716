import Logging
import ServiceLifecycle

/// Makes the service for each piece of the board from the board's pieces as they are:
/// at start, and again for a piece a reload replaces.
struct PieceFactory: Sendable {
    let configuration: Daemon.Configuration
    let board: RunningBoard
    let actions: WebActions
    let listening: StopFlag
    let onListening: @Sendable (Int) async -> Void
    let logger: Logger

    /// Where the web server listens for `profile`, the command line's overrides applied.
    func httpEndpoint(_ profile: Profile) -> (address: String, port: Int) {
        (configuration.httpAddress ?? profile.http.address, configuration.httpPort ?? profile.http.port)
    }

    /// The service for `piece`; nil when the profile lacks its section.
    func service(_ piece: BoardPiece, _ pieces: RunningBoard.Pieces) -> (any Service)? {
        let profile = pieces.profile
        switch piece {
        case .web:
            let (address, port) = httpEndpoint(profile)
            let inputs = WebPieceInputs(profile)
            let board = board, listening = listening, onListening = onListening, logger = logger
            let passwords = AdminGuard(credentialFile: profile.http.adminFile)
            let web = WebServer(
                configuration: .init(
                    address: address, port: port, views: profile.http.views,
                    lanInterface: inputs.lanInterface, directoryRefresh: inputs.directoryRefresh,
                    tlsProxy: profile.http.tlsProxy),
                name: { board.pieces.name.value }, hub: pieces.hub, logger: Daemon.logger(logger, piece: "http"),
                state: { board.report() }, directory: { board.pieces.mapping?.siteStatus },
                admin: AdminSessions(
                    passwords: passwords, reach: .lan(of: inputs.lanInterface, from: profile.http.adminFrom)),
                actions: actions,
                metrics: MetricsReporter(
                    hub: pieces.hub, admin: passwords, exchanges: inputs.mapsPort ? board.exchanges : nil,
                    registration: { board.pieces.mapping?.registrationStatus }, site: { board.pieces.mapping?.siteStatus }))
            let main = web.application(onListening: { port in
                logger.info("serving http://\(address):\(port)/")
                listening.set()
                board.webServerListening(on: port)
                await onListening(port)
            })
            guard inputs.fixedPortListener else { return main }
            // The fixed port forwards to a port of its own (see `SiteService.needsFixedPortListener`): any free one.
            let fixed = web.application(port: 0, onListening: { port in
                logger.info("serving the fixed port's mapping on port \(port)")
                board.fixedPortListening(on: port)
            })
            return ServicePair(main, fixed)
        case .mapping:
            return pieces.mapping
        case .panTilt:
            guard let panTilt = profile.panTilt else { return nil }
            logger.info("starting pan/tilt", metadata: ["plugin": "\(panTilt.pluginName)", "settings": "\(panTilt.settings)"])
            return PanTiltService(driver: panTilt.instance, stateDirectory: profile.stateDirectory, logger: Daemon.logger(logger, piece: "pan_tilt"))
        case .registrationSwitch:
            guard let button = profile.registrationSwitch else { return nil }
            logger.info("starting registration switch", metadata: ["plugin": "\(button.pluginName)", "settings": "\(button.settings)"])
            let board = board
            return SwitchService(
                registrationSwitch: button.instance, actions: actions,
                light: {
                    let mapping = board.pieces.mapping
                    return StatusLightSource.light(registration: mapping?.registrationStatus, role: mapping?.siteStatus?.role)
                },
                logger: Daemon.logger(logger, piece: "switch"))
        case .camera:
            guard let camera = profile.camera, let hub = pieces.hub else { return nil }
            logger.info("starting camera", metadata: ["plugin": "\(camera.pluginName)", "settings": "\(camera.settings)"])
            return CameraService(source: camera.instance, hub: hub, logger: Daemon.logger(logger, piece: "camera"))
        }
    }
}
