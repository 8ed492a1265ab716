import Logging

/// Moves the camera: two axes driven by motors the plugin owns.
public protocol PanTiltDriver: Sendable {
    /// Holds the motor lines until the task is cancelled, then de-energises them.
    func run(logger: Logger) async throws

    /// Replaces any move in flight.
    func move(_ command: PanTiltCommand) async throws

    /// Where the camera points, or nil when the driver does not know (never homed).
    func position() async -> PanTiltPosition?
}

public enum PanTiltCommand: Sendable, Equatable {
    case absolute(PanTiltPosition)
    case relative(pan: Double, tilt: Double)
    case home
    case stop
}

/// Degrees from the home position.
public struct PanTiltPosition: Sendable, Equatable, Codable {
    public var pan: Double
    public var tilt: Double

    public init(pan: Double, tilt: Double) {
        self.pan = pan
        self.tilt = tilt
    }
}
