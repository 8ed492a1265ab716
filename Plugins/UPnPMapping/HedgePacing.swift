import PorticoCore

/// How long an exchange waits for an answer before it opens another connection: four
/// times what this router takes when nothing is lost, never less than `minimum`.
///
/// Not less than 100 ms: a router serves one request at a time, and takes tens of
/// milliseconds for each while it rewrites its firewall; an earlier second connection
/// only queues behind the first. Not more either: at 20% loss each way only two
/// connections in five get their four packets (SYN, SYN-ACK, request, answer) through
/// at the first try, and a loss costs TCP 200 ms (a segment) or a second (a SYN), so
/// the next connection is the faster way on. In the failover benchmark 200 ms left a
/// claim's exchanges at 0.3–1.2 s each under that loss.
///
/// The router's own speed is the fastest of its recent answers, not their average: on a
/// lossy LAN many answers come late because a packet was lost, and those say nothing
/// about when the next attempt should start. A slow router (one that writes its flash
/// on every change) gets a longer stagger, so it is not sent duplicates it would only
/// answer later.
struct HedgePacing: Sendable, Equatable {
    static let minimum: Duration = .milliseconds(100)
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
