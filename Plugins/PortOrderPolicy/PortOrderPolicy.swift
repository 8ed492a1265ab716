import PorticoCore

/// `policy = "port-order"`: the camera with the lowest mapped port claims first; the
/// next waits one `step` more, and so on, so normally exactly one claims, without
/// randomness, and the directory's order says who is next.
package struct PortOrderPolicy: ElectionPolicy {
    /// The time one camera is given to take over before the next in order tries.
    package let step: Duration

    package init(step: Duration) {
        self.step = step
    }

    /// Its own key: `step` (default 300ms).
    package static let plugin = Plugin<ElectionSettings, any ElectionPolicy>(
        name: "port-order", summary: "the next camera by mapped port claims first, the one after a step later"
    ) { section, _ in
        section.duration("step", in: .milliseconds(10) ... .seconds(60), default: .milliseconds(300)).map(PortOrderPolicy.init(step:))
    }

    package func claimDelay(for candidate: ElectionCandidate, among peers: [ElectionCandidate], attempt: Int) -> Duration {
        let ahead = peers.filter { Self.order($0) < Self.order(candidate) }.count
        return step * ahead
    }

    package func yieldsOnCollision(_ other: ElectionCandidate, over me: ElectionCandidate) -> Bool {
        Self.order(other) < Self.order(me)
    }

    /// By port; cameras without a port last; ids break ties.
    static func order(_ candidate: ElectionCandidate) -> OrderKey {
        OrderKey(port: candidate.externalPort ?? Int.max, id: candidate.id)
    }

    struct OrderKey: Comparable {
        let port: Int
        let id: String
        static func < (a: OrderKey, b: OrderKey) -> Bool { (a.port, a.id) < (b.port, b.id) }
    }
}
