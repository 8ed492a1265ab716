import PorticoCore

/// How long an exchange waits for an answer before it opens another connection: a few
/// times what this router takes when nothing is lost, never less than `minimum`.
///
/// The router's own speed is the fastest of its recent answers, not their average: on a
/// lossy LAN many answers come late because a packet was lost, and those say nothing
/// about when the next attempt should start. A slow router (one that writes its flash
/// on every change) gets a longer stagger, so it is not sent duplicates it would only
/// answer later.
struct HedgePacing: Sendable, Equatable {
    static let minimum: Duration = .milliseconds(100)
    static let factor = 3
    static let remembered = 8

    private var recent: [Duration] = []

    /// Before any answer: the minimum.
    var stagger: Duration {
        guard let fastest = recent.min() else { return Self.minimum }
        return max(Self.minimum, fastest * Self.factor)
    }

    mutating func answered(in time: Duration) {
        recent.append(time)
        if recent.count > Self.remembered { recent.removeFirst() }
    }
}
