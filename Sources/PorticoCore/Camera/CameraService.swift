import Logging
import ServiceLifecycle

/// Runs the board's camera source, publishing into the board's hub.
///
/// The hub outlives the service: a camera restarted for a new profile section publishes
/// into the same hub, so the stream clients keep their connections. The daemon closes
/// the hub when the camera stops for good (shutdown, the source gave up, the camera
/// removed from the profile), which ends every `/stream` response, so the web server
/// can shut down without waiting on streams that would otherwise never finish.
package struct CameraService: Service {
    let source: any CameraSource
    let hub: FrameHub
    let logger: Logger

    package init(source: any CameraSource, hub: FrameHub, logger: Logger) {
        self.source = source
        self.hub = hub
        self.logger = logger
    }

    package func run() async throws {
        try await cancelWhenGracefulShutdown {
            try await source.run(publishingInto: hub, logger: logger)
        }
    }
}
