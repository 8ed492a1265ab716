import PorticoCore

/// `policy = "server-value"`: the order of claiming comes from a value unique to each
/// camera's hardware (`[election] server_value`, by default the interface's MAC address),
/// hashed with FNV-1a so it is the same on every board and build. Among the cameras a
/// camera knows of, the first by that order claims at once, the next one `step` later,
/// and so on, so the delays start when the representative is found gone, not at a fixed
/// slot of the hash. Two that see themselves first (they know different peers) both
/// claim; the one first in that order wins the tie.
package struct ServerValuePolicy: ElectionPolicy {
    package let step: Duration
    /// The longest wait is step × (slots − 1), however many cameras come first.
    package let slots: Int

    package init(step: Duration, slots: Int) {
        self.step = step
        self.slots = slots
    }

    /// Its own keys: `step` (default 100ms) and `slots` (default 16).
    package static let plugin = Plugin<ElectionSettings, any ElectionPolicy>(
        name: "server-value", summary: "claim order from each camera's hashed hardware value: the first claims at once and wins a tie"
    ) { section, _ in
        let step = section.duration("step", in: .milliseconds(10) ... .seconds(60), default: .milliseconds(100))
        let slots = section.integer("slots", in: 1...1024, default: 16)
        guard let step, let slots else { return nil }
        return ServerValuePolicy(step: step, slots: slots)
    }

    package func claimDelay(for candidate: ElectionCandidate, among peers: [ElectionCandidate], attempt: Int) -> Duration {
        let ahead = peers.filter { Self.order($0) < Self.order(candidate) }.count
        return step * min(ahead, slots - 1)
    }

    /// By the hash of the value, then the value, then the id: a strict order.
    static func order(_ candidate: ElectionCandidate) -> OrderKey {
        OrderKey(hash: fnv1a(candidate.serverValue), value: candidate.serverValue, id: candidate.id)
    }

    struct OrderKey: Comparable {
        let hash: UInt64
        let value: String
        let id: String
        static func < (a: OrderKey, b: OrderKey) -> Bool { (a.hash, a.value, a.id) < (b.hash, b.value, b.id) }
    }

    package func yieldsOnCollision(_ other: ElectionCandidate, over me: ElectionCandidate) -> Bool {
        Self.order(other) < Self.order(me)
    }

    package func prefers(_ other: ElectionCandidate, over me: ElectionCandidate) -> Bool {
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
