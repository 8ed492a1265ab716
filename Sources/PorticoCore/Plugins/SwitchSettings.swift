/// The `[switch]` keys every registration switch shares.
public struct SwitchSettings: Sendable, Equatable, CustomStringConvertible {
    /// Edges closer together than this are contact bounce, not presses.
    public var debounce: Duration
    /// A press held this long withdraws the camera instead of registering it.
    public var longPress: Duration

    public init(reading section: inout ProfileSection) {
        debounce = section.duration("debounce", in: .zero ... .seconds(1), default: .milliseconds(30)) ?? .milliseconds(30)
        longPress = section.duration("long_press", in: .milliseconds(500) ... .seconds(60), default: .seconds(5)) ?? .seconds(5)
    }

    public var description: String {
        "debounce \(ProfileDuration.format(debounce)), long press \(ProfileDuration.format(longPress))"
    }
}
