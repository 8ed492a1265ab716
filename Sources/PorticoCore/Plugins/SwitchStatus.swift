/// The registration switch, as `/state` shows it.
package struct SwitchStatus: Sendable, Equatable, Codable {
    /// Debounced short presses since start: each one asked to register.
    package var presses: Int
    /// Long presses since start: each one withdrew the camera.
    package var long_presses: Int
    /// Edges the debounce threw away as contact bounce.
    package var bounces: Int
    package var last_press: SwitchPress?
    /// Whether the button is held now.
    package var held: Bool
    /// What the status LED shows; nil when the board has none.
    package var light: StatusLight?
    /// The last failure reading the line.
    package var last_error: String?

    package init(
        presses: Int = 0, long_presses: Int = 0, bounces: Int = 0, last_press: SwitchPress? = nil, held: Bool = false,
        light: StatusLight? = nil, last_error: String? = nil
    ) {
        self.presses = presses
        self.long_presses = long_presses
        self.bounces = bounces
        self.last_press = last_press
        self.held = held
        self.light = light
        self.last_error = last_error
    }
}
