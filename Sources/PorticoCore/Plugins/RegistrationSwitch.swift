import Logging

/// A hardware button that starts registration (short press) or withdraws the camera
/// (long press), through the same path as `portico register`, and optionally a light
/// that shows how registration is going.
package protocol RegistrationSwitch: Sendable {
    /// Watches the input until the task is cancelled, calling `onPress` once per
    /// debounced press, and shows `light()` on the status LED if there is one.
    /// Throws when the switch cannot be watched at all (a line another program holds).
    func run(
        onPress: @escaping @Sendable (SwitchPress) -> Void, light: @escaping @Sendable () -> StatusLight, logger: Logger
    ) async throws

    /// Presses seen so far, for `/state`.
    var status: SwitchStatus { get }

    /// Checks that the chip and lines the profile names exist and are free. Blocking.
    func checkHardware() -> HardwareCheck?
}

package enum SwitchPress: String, Sendable, Equatable, Codable {
    case short
    case long
}
