import Logging

/// Where frames come from: a V4L2 device, or the test pattern on boards without one.
///
/// A source owns its hardware for as long as `run` runs and publishes every frame,
/// already JPEG-encoded, into the hub; it never knows who watches. It reports how it
/// is doing (capture and encode rates, drops, whether it has a picture) in the hub's
/// `telemetry`.
package protocol CameraSource: Sendable {
    /// Captures until the task is cancelled, then releases the device and returns.
    /// Throws only for a failure the daemon cannot ride out.
    func run(publishingInto hub: FrameHub, logger: Logger) async throws

    /// Asks the hardware what it offers and whether the profile's choices are among it.
    ///
    /// Profile validation never touches hardware (a profile is checked on a desk as
    /// well as on a board), so this is a separate step: `portico probe` prints it and
    /// `portico run` refuses to start when the hardware cannot do what the profile asks.
    /// Blocking; nil for sources without hardware to ask.
    func checkHardware() -> HardwareCheck?
}

extension CameraSource {
    package func checkHardware() -> HardwareCheck? { nil }
}
