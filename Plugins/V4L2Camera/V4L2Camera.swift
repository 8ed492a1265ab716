import Logging
import PorticoCore

/// A real camera: any V4L2 capture device (USB webcam, CSI sensor, HDMI capture
/// card), through libv4l2.
///
/// Frames go from memory-mapped capture buffers to JPEG by the cheapest path the
/// format allows (passed through when the camera already gives JPEG, split into
/// planes for YUYV, encoded in place for planar YUV) on as many encoder threads as the
/// rate needs, and into the hub. When the camera is missing, busy, unplugged or silent,
/// the stream goes on with a "NO SIGNAL" frame saying why, `/state` says it too, and
/// the camera is tried again every second until it is back: no restart needed.
package struct V4L2Camera: CameraSource {
    let settings: V4L2Settings
    let camera: CameraSettings

    /// `[camera] source = "v4l2"`, with keys `device`, `format`, `input`, `encoders`, `buffers`.
    package static let plugin = Plugin<CameraSettings, any CameraSource>(
        name: "v4l2",
        summary: "a V4L2 camera (USB, CSI, HDMI capture) through libv4l2; JPEG from the camera is passed through"
    ) { section, camera in
        V4L2Camera(settings: V4L2Settings(reading: &section), camera: camera)
    }

    /// How often a missing camera is looked for again.
    static let retryInterval: Duration = .seconds(1)
    /// How often the "NO SIGNAL" frame is sent while there is no picture.
    static let noSignalInterval: Duration = .milliseconds(500)

    package func run(publishingInto hub: FrameHub, logger: Logger) async throws {
        let settings = self.settings, camera = self.camera
        logger.info("v4l2 camera", metadata: ["settings": "\(settings.summary)"])
        try await DedicatedThread.run(name: "v4l2-capture") { stop in
            try Self.supervise(settings: settings, camera: camera, hub: hub, logger: logger, stop: stop)
        }
    }

    /// Opens, captures, and on any failure shows "NO SIGNAL" and tries again, until stopped.
    private static func supervise(
        settings: V4L2Settings, camera: CameraSettings, hub: FrameHub, logger: Logger, stop: StopFlag
    ) throws {
        var painter = try NoSignalPainter(size: camera.size, quality: camera.quality)
        let telemetry = hub.telemetry
        var reason: String?
        var nextAttempt = ContinuousClock.now
        var nextNoSignal = ContinuousClock.now
        while !stop.isSet {
            if ContinuousClock.now >= nextAttempt {
                do throws(V4L2Error) {
                    let session = try CaptureSession(settings: settings, camera: camera, hub: hub, logger: logger)
                    defer { session.close() }
                    let detail = "\(settings.device) (\(session.device.card)): \(session.format.summary)"
                    telemetry.setSignal(.live(detail))
                    logger.info("capturing", metadata: ["from": "\(detail)"])
                    reason = nil
                    try session.run(stop: stop)
                } catch {
                    let lost = "\(error.message)\(error.message.hasSuffix("?") ? "" : ";") trying again every \(retryInterval.components.seconds) s"
                    if reason != lost {
                        logger.warning("no signal", metadata: ["reason": "\(lost)"])
                    }
                    reason = lost
                    telemetry.setSignal(.lost(lost))
                    nextAttempt = ContinuousClock.now + retryInterval
                    nextNoSignal = ContinuousClock.now
                }
            }
            guard let reason, !stop.isSet else { continue }
            if ContinuousClock.now >= nextNoSignal {
                let time = WallClock.now
                let jpeg = try painter.frame(reason: reason, time: time)
                hub.publish(jpeg: jpeg, size: camera.size, timestamp: time)
                nextNoSignal = max(nextNoSignal + noSignalInterval, ContinuousClock.now)
            }
            _ = stop.sleep(until: min(nextAttempt, nextNoSignal))
        }
    }

    package func checkHardware() -> HardwareCheck? {
        let device: V4L2Device
        do {
            device = try V4L2Device(path: settings.device)
        } catch {
            return HardwareCheck(unavailable: error.message)
        }
        var offers = ["\(settings.device): \(device.card) (driver \(device.driver))"]
        let inputs = DeviceInput.all(on: device)
        let before = (try? DeviceInput.select(nil, on: device))?.index
        if let wanted = settings.input, wanted >= inputs.count {
            return HardwareCheck(offers: offers, problems: [settings.origin.problem(
                "input", "\(settings.device) has no input \(wanted)",
                valid: inputs.map { "\($0.index) (\($0.name)\($0.hasTimings ? ", DV timings" : ""))" })])
        }
        defer {
            // Asking about another input selected it; put the device back as it was.
            if let before, let wanted = settings.input, wanted != before {
                _ = try? DeviceInput.select(before, on: device)
            }
        }
        do {
            let plan = try FormatNegotiation.plan(device, settings, camera)
            offers.append("inputs: " + inputs.map { "\($0.index) \"\($0.name)\"\($0.hasTimings ? " (DV timings)" : "")" }
                .joined(separator: ", ") + "; using \(plan.input.index)")
            if let timings = plan.timings { offers.append("the source sends \(timings)") }
            offers += plan.catalog.lines
            if let format = plan.format, plan.problems.isEmpty, let encoding = CaptureEncoding(format.fourcc) {
                let path = switch encoding {
                case .passthrough: "JPEG passed through, not re-encoded"
                case .packed422: "split into planes and encoded"
                case .planar420: "encoded in place"
                }
                let conversion = format.emulated ? ", converted by libv4l2" : ""
                offers.append("profile asks \(camera.size) at \(camera.fps) fps (format \(settings.format.rawValue)): supported, as \(format.fourcc)\(conversion), \(path)")
            }
            return HardwareCheck(offers: offers, problems: plan.problems)
        } catch {
            return HardwareCheck(offers: offers, unavailable: error.message)
        }
    }
}
