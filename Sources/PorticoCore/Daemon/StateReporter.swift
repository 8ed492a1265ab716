/// Builds `/state` from the profile and the live counters, on request.
struct StateReporter: Sendable {
    let profile: Profile
    let name: CameraName
    let hub: FrameHub?
    let registration: RegistrationStatus?
    let site: SiteStatus?

    func report() -> StateReport {
        let pieces = profile.pieces.map { piece in
            StateReport.Piece(
                section: piece.section, status: piece.isPresent ? "started" : "absent",
                plugin: piece.plugin, detail: piece.detail)
        }
        var camera: StateReport.Camera?
        if let configured = profile.camera, let hub {
            let statistics = hub.statistics
            let telemetry = hub.telemetry.snapshot
            let settings = configured.settings
            func tenths(_ value: Double) -> Double { (value * 10).rounded() / 10 }
            camera = StateReport.Camera(
                source: configured.pluginName, size: settings.size.description,
                width: settings.size.width, height: settings.size.height, fps: settings.fps,
                quality: settings.quality, signal: telemetry.signal.name, signal_detail: telemetry.signal.detail,
                captured_fps: tenths(telemetry.capturedFps), encoded_fps: tenths(telemetry.encodedFps),
                published_fps: tenths(statistics.framesPerSecond), frames: statistics.published,
                dropped_frames: telemetry.dropped, captured_frames: telemetry.captured, encoded_frames: telemetry.encoded,
                delivered_frames: statistics.delivered, skipped_frames: statistics.skipped, encode_ms: (telemetry.encodeMilliseconds * 100).rounded() / 100,
                encoder_threads: telemetry.encoderThreads, stream_clients: statistics.clients,
                clients: statistics.clientList.map { client in
                    StateReport.Client(
                        id: client.id, delivered_fps: tenths(client.deliveredFps), delivered: client.delivered,
                        skipped: client.skipped, connected_seconds: tenths(client.connectedFor.secondsValue))
                })
        }
        return StateReport(
            name: name.value, profile: profile.file, version: PorticoVersion.current, pieces: pieces, camera: camera,
            mapping: registration, site: site,
            pan_tilt: profile.panTilt?.instance.status, switch: profile.registrationSwitch?.instance.status)
    }
}
