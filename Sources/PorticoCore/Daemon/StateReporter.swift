/// Builds `/state` from the profile and the live counters, on request.
struct StateReporter: Sendable {
    let profile: Profile
    let hub: FrameHub?
    let registration: RegistrationService?

    func report() -> StateReport {
        let pieces = profile.pieces.map { piece in
            StateReport.Piece(
                section: piece.section, status: piece.isPresent ? "started" : "absent",
                plugin: piece.plugin, detail: piece.detail)
        }
        var camera: StateReport.Camera?
        if let configured = profile.camera, let hub {
            let statistics = hub.statistics
            let settings = configured.settings
            camera = StateReport.Camera(
                source: configured.pluginName, size: settings.size.description,
                width: settings.size.width, height: settings.size.height, fps: settings.fps,
                quality: settings.quality, captured_fps: (statistics.framesPerSecond * 10).rounded() / 10,
                frames: statistics.published, stream_clients: statistics.clients)
        }
        return StateReport(
            name: profile.name, profile: profile.file, version: PorticoVersion.current, pieces: pieces, camera: camera,
            mapping: registration?.status)
    }
}
