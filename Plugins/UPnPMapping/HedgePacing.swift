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
///
/// Where the link has been losing packets lately (one of the last exchanges needed more
/// connections than it opened, or its answer took longer than the stagger, as a TCP
/// retransmission does, or it got no answer), an exchange opens two connections at once:
/// at 20% loss each way that halves its time. Where it has not, one: on a clean LAN the
/// second would only be work for the router, and queue the next exchange behind it.
///
/// An exchange that is on no failover's path (a read of the router's table for the
/// directory, a question for the external address, the renewal of a lease that still
/// runs for seconds) opens one connection whatever the link did lately, and waits
/// `patient` before another: at 20% loss two at once doubled what the representative
/// cost the router each second, for answers that can as well come a few hundred
/// milliseconds later. 400 ms lets TCP resend a lost segment on the same connection
/// (200 ms); a lost SYN, which costs it a second, is what the second connection is for.
struct HedgePacing: Sendable, Equatable {
    static let minimum: Duration = .milliseconds(100)
    /// The least wait before a second connection for an exchange no failover waits for.
    static let patient: Duration = .milliseconds(400)
    /// The longest wait between two connections of one exchange.
    static let ceiling: Duration = .seconds(1)
    static let factor = 4
    static let remembered = 8

    private var recent: [Duration] = []
    /// For each of the last exchanges, whether it showed loss.
    private var lossy: [Bool] = []

    /// Before any answer: the minimum.
    var stagger: Duration {
        guard let fastest = recent.min() else { return Self.minimum }
        return max(Self.minimum, fastest * Self.factor)
    }

    /// Connections to open at the start of an exchange; `urgent`: one a failover may wait for.
    func opening(urgent: Bool = true) -> Int { urgent && lossy.contains(true) ? 2 : 1 }

    /// The wait before the first connection beyond the opening ones.
    func firstWait(urgent: Bool = true) -> Duration { urgent ? stagger : max(stagger, Self.patient) }

    /// The wait before the connection after the `n`th beyond the opening ones (0: the
    /// first extra one): `first`, doubled for each one before it, at most `ceiling`
    /// unless `first` is longer already (a slow router's stagger).
    static func wait(after n: Int, first: Duration, ceiling: Duration = Self.ceiling) -> Duration {
        var wait = first
        for _ in 0..<max(0, min(n, 16)) where wait < ceiling { wait = wait * 2 }
        return max(first, min(wait, ceiling))
    }

    /// An answer, from the attempt that took `time`, after `attempts` connections were opened.
    mutating func answered(in time: Duration, attempts: Int = 1) {
        let loss = attempts > opening() || time > stagger
        recent.append(time)
        if recent.count > Self.remembered { recent.removeFirst() }
        remember(lossy: loss)
    }

    /// No answer within the exchange's timeout.
    mutating func unanswered() {
        remember(lossy: true)
    }

    private mutating func remember(lossy loss: Bool) {
        lossy.append(loss)
        if lossy.count > Self.remembered { lossy.removeFirst() }
    }
}
