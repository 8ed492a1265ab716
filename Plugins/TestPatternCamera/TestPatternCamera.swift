import CameraImaging
import Logging
import PorticoCore

/// A camera for boards without one: generated frames at the profile's size, rate and
/// quality, encoded exactly as a real camera's would be, so everything downstream
/// (hub, stream, snapshot, benchmarks) runs for real.
package struct TestPatternCamera: CameraSource {
    package let settings: CameraSettings

    package init(settings: CameraSettings) {
        self.settings = settings
    }

    /// The plugin entry for the registry: `[camera] source = "test-pattern"`, no keys of its own.
    package static let plugin = Plugin<CameraSettings, any CameraSource>(
        name: "test-pattern",
        summary: "generated moving pattern with frame counter and clock; needs no hardware"
    ) { _, settings in
        TestPatternCamera(settings: settings)
    }

    package func run(publishingInto hub: FrameHub, logger: Logger) async throws {
        let settings = self.settings
        logger.info("test pattern running", metadata: ["size": "\(settings.size)", "fps": "\(settings.fps)"])
        try await DedicatedThread.run(name: "test-pattern") { stop in
            let encoder = try JPEGEncoder(quality: settings.quality)
            var painter = TestPatternPainter(size: settings.size)
            let interval = Duration.seconds(1) / settings.fps
            let start = ContinuousClock.now
            var slot = 0
            var painted = 0
            var slowdown = IdleSlowdown(enabled: settings.slowdown)
            hub.telemetry.setEncoderThreads(1)
            hub.telemetry.setSignal(.live("generated test pattern"))
            while !stop.isSet {
                _ = slowdown.admit(at: .now, watched: hub.isWatched)
                let timestamp = WallClock.now
                painter.paint(frame: painted, wallClock: timestamp)
                hub.telemetry.recordCapture()
                let encoding = ContinuousClock.now
                let jpeg = try encoder.encode(painter.image)
                let took = ContinuousClock.now - encoding
                hub.telemetry.recordEncode(taking: took)
                hub.publish(jpeg: jpeg, size: settings.size, timestamp: timestamp, encoding: took)
                painted += 1
                slot += 1
                // Paced by absolute deadlines so the rate does not drift; when the
                // machine falls behind, missed slots are skipped, not made up in a burst.
                let now = ContinuousClock.now
                let behind = Int((now - start) / interval)
                if behind > slot { slot = behind }
                // Idle, the next frame is a second away: slot by slot, so that a viewer
                // arriving meanwhile gets one at the next full-rate slot.
                while !stop.isSet {
                    let due = start + interval * slot
                    if slowdown.nextDue(fullRate: due, watched: hub.isWatched) <= due { break }
                    _ = stop.sleep(until: due)
                    slot += 1
                }
                if !stop.sleep(until: start + interval * slot) { break }
            }
        }
    }
}
