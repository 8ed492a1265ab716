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
/// Only an exchange a failover waits for opens two at once (`Urgency`): at 20% loss two
/// at once doubled what the representative cost the router each second. One that is on
/// no failover's path and before no lease's end (a read of the router's table for the
/// directory, a question for the external address, the renewal of a lease that still
/// runs for seconds) also waits `patient` before a second connection: 400 ms lets TCP
/// resend a lost segment on the same connection (200 ms); a lost SYN, which costs it a
/// second, is what the second connection is for.
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

    /// What waits for an exchange's answer.
    enum Urgency: Sendable, Equatable {
        /// A failover: a claim of the fixed port, a takeover, the leaver's give-back.
        case failover
        /// The end of a lease a second or so away: the fixed port's renewal.
        case leaseEnd
        /// Nothing soon: reads for the directory, the external address, the renewal of
        /// a lease that runs for seconds yet.
        case nothingSoon
    }

    /// Connections to open at the start of an exchange.
    func opening(_ urgency: Urgency = .failover) -> Int { urgency == .failover && lossy.contains(true) ? 2 : 1 }

    /// The wait before the first connection beyond the opening ones.
    func firstWait(_ urgency: Urgency = .failover) -> Duration {
        urgency == .nothingSoon ? max(stagger, Self.patient) : stagger
    }

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
