/// The web server's connections: which client holds each, what each is doing, and
/// when each is due to be closed. A pure value driven by events and a clock, so tests
/// replay floods in virtual time; `ConnectionLimiter` applies it to real channels.
///
/// When a client or the whole server is at its cap, a new connection takes the place
/// of the oldest one that is waiting for a request (idle, or still sending headers):
/// an attacker holding idle sockets loses them to anyone who connects, and a viewer
/// whose `/stream` is playing is never among them. Only when every connection in the
/// way is answering a request is the new one refused.
struct ConnectionTable<Client: Hashable & Sendable>: Sendable {
    typealias ID = UInt64

    /// What a connection is doing; `time` is on the caller's clock.
    enum Phase: Sendable, Equatable {
        /// No request: just accepted, or its last response sent.
        case idle(since: Duration)
        /// Bytes of a request came in, but not yet all of its headers.
        case readingHead(since: Duration)
        /// Headers in, body not yet complete; `unanswered` requests await their response.
        case readingBody(since: Duration, unanswered: Int)
        /// Every request read; a response is being written (a `/stream` stays here while it plays).
        case answering(unanswered: Int)

        /// Waiting for a request: may be shed, and counts from this instant.
        var waitingSince: Duration? {
            switch self {
            case .idle(let since), .readingHead(let since): since
            case .readingBody, .answering: nil
            }
        }
    }

    struct Connection: Sendable, Equatable {
        let client: Client
        var phase: Phase
    }

    enum Admission: Sendable, Equatable {
        /// Open it; close `shedding` first, whose place it takes.
        case admitted(shedding: ID?)
        /// Close it at once: every connection in the way is answering a request.
        case refused
    }

    let limits: ConnectionLimits
    private(set) var connections: [ID: Connection] = [:]
    private var perClient: [Client: Int] = [:]

    init(limits: ConnectionLimits) {
        self.limits = limits
    }

    var count: Int { connections.count }

    func count(of client: Client) -> Int { perClient[client] ?? 0 }

    /// A connection was accepted from `client`.
    mutating func open(_ id: ID, client: Client, at now: Duration) -> Admission {
        var victim: ID?
        if count(of: client) >= limits.perClient {
            guard let oldest = oldestWaiting(where: { $0 == client }) else { return .refused }
            victim = oldest
        } else if connections.count >= limits.total {
            guard let oldest = oldestWaiting(where: { _ in true }) else { return .refused }
            victim = oldest
        }
        if let victim { close(victim) }
        connections[id] = Connection(client: client, phase: .idle(since: now))
        perClient[client, default: 0] += 1
        return .admitted(shedding: victim)
    }

    /// The connection is gone (closed by either side, or shed). Unknown ids are ignored.
    mutating func close(_ id: ID) {
        guard let connection = connections.removeValue(forKey: id) else { return }
        let left = (perClient[connection.client] ?? 1) - 1
        perClient[connection.client] = left > 0 ? left : nil
    }

    /// Bytes came in; the first of a request start its header clock.
    mutating func bytesArrived(_ id: ID, at now: Duration) {
        update(id) { phase in
            if case .idle = phase { phase = .readingHead(since: now) }
        }
    }

    /// A request's headers are complete.
    mutating func headReceived(_ id: ID, at now: Duration) {
        update(id) { phase in
            switch phase {
            case .idle, .readingHead: phase = .readingBody(since: now, unanswered: 1)
            case .readingBody(_, let unanswered), .answering(let unanswered):
                phase = .readingBody(since: now, unanswered: unanswered + 1)
            }
        }
    }

    /// A request's body is complete.
    mutating func bodyEnded(_ id: ID, at now: Duration) {
        update(id) { phase in
            if case .readingBody(_, let unanswered) = phase {
                // Answered before its body was read: nothing left to do on the connection.
                phase = unanswered > 0 ? .answering(unanswered: unanswered) : .idle(since: now)
            }
        }
    }

    /// A response was written to its end.
    mutating func responseEnded(_ id: ID, at now: Duration) {
        update(id) { phase in
            switch phase {
            case .answering(let unanswered):
                phase = unanswered > 1 ? .answering(unanswered: unanswered - 1) : .idle(since: now)
            case .readingBody(let since, let unanswered):
                // Answered before its body was read (a refusal): the body still has to come in time.
                phase = .readingBody(since: since, unanswered: max(unanswered - 1, 0))
            case .idle, .readingHead:
                break
            }
        }
    }

    /// When the connection is to be closed if nothing happens first; nil while it is
    /// answering (or unknown).
    func deadline(of id: ID) -> Duration? {
        switch connections[id]?.phase {
        case .idle(let since): since + limits.idleTimeout
        case .readingHead(let since), .readingBody(let since, _): since + limits.headerTimeout
        case .answering, nil: nil
        }
    }

    func isExpired(_ id: ID, at now: Duration) -> Bool {
        deadline(of: id).map { $0 <= now } ?? false
    }

    private mutating func update(_ id: ID, _ change: (inout Phase) -> Void) {
        guard var connection = connections[id] else { return }
        change(&connection.phase)
        connections[id] = connection
    }

    /// Scans every connection: at most `limits.total`, and only when a cap is reached.
    private func oldestWaiting(where matches: (Client) -> Bool) -> ID? {
        var oldest: (id: ID, since: Duration)?
        for (id, connection) in connections where matches(connection.client) {
            guard let since = connection.phase.waitingSince else { continue }
            if oldest.map({ since < $0.since || (since == $0.since && id < $0.id) }) ?? true {
                oldest = (id, since)
            }
        }
        return oldest?.id
    }
}
