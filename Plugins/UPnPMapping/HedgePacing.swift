import PorticoCore

/// How long an exchange waits for an answer before it opens another connection: four
/// times what this router takes when nothing is lost, never less than `minimum`.
///
/// Not less than 200 ms: a router serves one request at a time, and takes tens of
/// milliseconds for each while it rewrites its firewall; an earlier second connection
/// only queues behind the first. A lost SYN costs a second, so 200 ms still saves most
/// of it.
///
/// The router's own speed is the fastest of its recent answers, not their average: on a
/// lossy LAN many answers come late because a packet was lost, and those say nothing
/// about when the next attempt should start. A slow router (one that writes its flash
/// on every change) gets a longer stagger, so it is not sent duplicates it would only
/// answer later.
struct HedgePacing: Sendable, Equatable {
    static let minimum: Duration = .milliseconds(200)
    static let factor = 4
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
