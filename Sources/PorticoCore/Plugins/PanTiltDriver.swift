import Logging

/// Moves the camera: two axes driven by motors the plugin owns.
package protocol PanTiltDriver: Sendable {
    /// Holds the motor lines until the task is cancelled, then de-energises them.
    /// `stateDirectory` is where the position is kept across restarts.
    /// Throws when the motors cannot be driven at all (a line another program holds).
    func run(stateDirectory: String, logger: Logger) async throws

    /// Replaces any move in flight. Throws, moving nothing, when the move is refused
    /// (beyond the soft limits, position unknown, motors not running).
    func move(_ command: PanTiltCommand) throws(PanTiltError)

    /// Where the camera points and what the motors are doing, for `/state` and the page.
    var status: PanTiltStatus { get }

    /// Checks that the chips and lines the profile names exist and are free. Blocking.
    func checkHardware() -> HardwareCheck?
}

package enum PanTiltCommand: Sendable, Equatable {
    /// To degrees from home.
    case absolute(pan: Double?, tilt: Double?)
    /// By degrees from where the camera points (or from the target of the move in flight).
    case relative(pan: Double, tilt: Double)
    /// Find home with the limit switches; without them, go to 0°, 0°.
    case home
    /// Where the camera points now becomes 0°, 0° (bring-up of a board without limit switches).
    case setHome
    /// Halt within one step, wherever the axes are.
    case stop
}

/// Degrees from the home position.
package struct PanTiltPosition: Sendable, Equatable, Codable {
    package var pan: Double
    package var tilt: Double

    package init(pan: Double, tilt: Double) {
        self.pan = pan
        self.tilt = tilt
    }
}
