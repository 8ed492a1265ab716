/// The `[switch]` keys every registration switch shares.
package struct SwitchSettings: Sendable, Equatable, CustomStringConvertible {
    /// Edges closer together than this are contact bounce, not presses.
    package var debounce: Duration
    /// A press held this long withdraws the camera instead of registering it.
    package var longPress: Duration

    package init(reading section: inout ProfileSection) {
        debounce = section.duration("debounce", in: .zero ... .seconds(1), default: .milliseconds(30)) ?? .milliseconds(30)
        longPress = section.duration("long_press", in: .milliseconds(500) ... .seconds(60), default: .seconds(5)) ?? .seconds(5)
    }

    package var description: String {
        "debounce \(ProfileDuration.format(debounce)), long press \(ProfileDuration.format(longPress))"
    }
}
