import PorticoCore

/// `policy = "server-value"`: each camera's delay comes from a value unique to its
/// hardware (`[election] server_value`, by default the interface's MAC address), so
/// delays differ without coordination; equal delays fall to the lower value, then id.
public struct ServerValuePolicy: ElectionPolicy {
    public let step: Duration
    /// Distinct delays: step × 0 … step × (slots − 1).
    public let slots: Int

    public init(step: Duration, slots: Int) {
        self.step = step
        self.slots = slots
    }

    /// Its own keys: `step` (default 100ms) and `slots` (default 16).
    public static let plugin = Plugin<ElectionSettings, any ElectionPolicy>(
        name: "server-value", summary: "delay derived from each camera's hardware value; lower value wins a tie"
    ) { section, _ in
        let step = section.duration("step", in: .milliseconds(10) ... .seconds(60), default: .milliseconds(100))
        let slots = section.integer("slots", in: 1...1024, default: 16)
        guard let step, let slots else { return nil }
        return ServerValuePolicy(step: step, slots: slots)
    }

    public func claimDelay(for candidate: ElectionCandidate, among peers: [ElectionCandidate], attempt: Int) -> Duration {
        step * Int(Self.fnv1a(candidate.serverValue) % UInt64(slots))
    }

    public func yieldsOnCollision(_ other: ElectionCandidate, over me: ElectionCandidate) -> Bool {
        (other.serverValue, other.id) < (me.serverValue, me.id)
    }

    public func prefers(_ other: ElectionCandidate, over me: ElectionCandidate) -> Bool {
        yieldsOnCollision(other, over: me)
    }

    /// FNV-1a: the same delay for the same value on every board and every build.
    static func fnv1a(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x100_0000_01b3
        }
        return hash
    }
}
