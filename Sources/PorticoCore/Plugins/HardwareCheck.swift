/// What a plugin found when it asked its hardware: the camera's formats, the GPIO lines
/// the motors and the switch are wired to.
package struct HardwareCheck: Sendable {
    /// What the hardware offers, one line each, for a person bringing the board up.
    package var offers: [String]
    /// Settings the hardware cannot honour, pointing at their profile lines, each
    /// listing what it offers instead. Non-empty means `run` would refuse to start.
    package var problems: [ProfileError]
    /// Set when the hardware could not be asked at all (not connected, busy): not a
    /// profile problem, since it may appear later; a camera starts anyway and shows
    /// "no signal" until it does.
    package var unavailable: String?

    package init(offers: [String] = [], problems: [ProfileError] = [], unavailable: String? = nil) {
        self.offers = offers
        self.problems = problems
        self.unavailable = unavailable
    }
}
