import Logging
import ServiceLifecycle

/// Runs the board's camera source for the life of the daemon.
///
/// When it stops (shutdown, or the source gives up) it closes the hub, which ends
/// every `/stream` response, so the web server can shut down without waiting on
/// streams that would otherwise never finish.
public struct CameraService: Service {
    let source: any CameraSource
    let hub: FrameHub
    let logger: Logger

    public init(source: any CameraSource, hub: FrameHub, logger: Logger) {
        self.source = source
        self.hub = hub
        self.logger = logger
    }

    public func run() async throws {
        defer { hub.close() }
        try await cancelWhenGracefulShutdown {
            try await source.run(publishingInto: hub, logger: logger)
        }
    }
}
