import Logging

/// A hardware button that starts registration (short press) or withdraws the camera
/// (long press), through the same path as `portico register`.
public protocol RegistrationSwitch: Sendable {
    /// Watches the input until the task is cancelled, calling `onPress` once per debounced press.
    func run(onPress: @escaping @Sendable (SwitchPress) -> Void, logger: Logger) async throws
}

public enum SwitchPress: Sendable, Equatable {
    case short
    case long
}
