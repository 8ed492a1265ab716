/// The `[election]` keys every election policy shares.
public struct ElectionSettings: Sendable, Equatable, CustomStringConvertible {
    /// How often the representative sends its inquiry, the heartbeat the others watch.
    public var inquiry: Duration
    /// Inquiries missed in a row before the representative counts as gone.
    public var missed: Int

    public init(reading section: inout ProfileSection) {
        inquiry = section.duration("inquiry", in: .milliseconds(100) ... .seconds(3600), default: .seconds(1)) ?? .seconds(1)
        missed = section.integer("missed", in: 1...10, default: 2) ?? 2
    }

    public var description: String {
        "inquiry every \(ProfileDuration.format(inquiry)), gone after \(missed) missed"
    }
}
