/// What the motors are doing, as `/state` and the camera's page show it.
///
/// Field names are snake_case and stable: bring-up scripts read them.
package struct PanTiltStatus: Sendable, Equatable, Codable {
    /// Degrees from home; nil when the driver does not know (see `position_detail`).
    package var position: PanTiltPosition?
    /// Why the position is not known ("never homed", "a move was cut off"), or how it is.
    package var position_detail: String
    /// Where the move in flight ends; nil when idle or homing.
    package var target: PanTiltPosition?
    package var moving: Bool
    /// "idle", "moving", "homing: fast approach", "homing: back off", "homing: slow approach".
    package var activity: String
    /// Steps from home per axis, the driver's own count.
    package var pan_steps: Int?
    package var tilt_steps: Int?
    package var pan_limits: [Double]
    package var tilt_limits: [Double]
    /// Named positions from the profile, for the page's preset buttons.
    package var presets: [String: PanTiltPosition]
    /// The last failure (homing found no switch, a line could not be driven).
    package var last_error: String?

    package init(
        position: PanTiltPosition?, position_detail: String, target: PanTiltPosition? = nil, moving: Bool = false,
        activity: String = "idle", pan_steps: Int? = nil, tilt_steps: Int? = nil, pan_limits: [Double], tilt_limits: [Double],
        presets: [String: PanTiltPosition] = [:], last_error: String? = nil
    ) {
        self.position = position
        self.position_detail = position_detail
        self.target = target
        self.moving = moving
        self.activity = activity
        self.pan_steps = pan_steps
        self.tilt_steps = tilt_steps
        self.pan_limits = pan_limits
        self.tilt_limits = tilt_limits
        self.presets = presets
        self.last_error = last_error
    }
}
