import Logging

/// Where frames come from: a V4L2 device, or the test pattern on boards without one.
///
/// A source owns its hardware for as long as `run` runs and publishes every frame,
/// already JPEG-encoded, into the hub; it never knows who watches.
public protocol CameraSource: Sendable {
    /// Captures until the task is cancelled, then releases the device and returns.
    /// Throws only for a failure the daemon cannot ride out.
    func run(publishingInto hub: FrameHub, logger: Logger) async throws
}
