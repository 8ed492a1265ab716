/// Feeds one camera's `CameraNode` what happens around it, in the order the node assumes,
/// and says what to do about it: the peer messages to send, the exchange to start with
/// the router, when to read the router's table. Still pure: it owns no socket, no task
/// and no clock. The daemon's `SiteService` runs it with real time, the multicast socket
/// and the mapping backend; the election simulation with virtual time and a simulated
/// router, so the randomized sites test this very ordering.
///
/// The rules it keeps:
/// - Exchanges with the router run one at a time, in the order the node asked, beside the
///   peer traffic (on a lossy LAN one can take seconds, and a representative that
///   stopped answering its peers meanwhile would be voted out). The driver hands out the
///   next one when the last has ended.
/// - An exchange made for a claim of the fixed port that has ended before its turn came
///   (the predecessor refuted it, a rival won) is not handed out: a takeover would delete
///   whoever holds the port by now, a request would take it from them once they let go.
///   A request is answered all the same (as refused), so registration's count of answers
///   stays right.
/// - The router's answers and table reads reach the node at the next `turn`, in the order
///   they came, before the switch's and the API's requests; then a changed LAN address, a
///   router restart, and whatever time has made due.
package struct CameraNodeDriver: Sendable {
    package struct Configuration: Sendable {
        /// Each peer message is sent this many times (`[election] copies`); a bye, sent once
        /// in a camera's life and whose loss costs the site the whole silence limit, twice as many.
        package var copies: Int
        /// Whether the representative reads the router's table (the backend can list it).
        package var readsRouterTable: Bool
        /// The least sequence number the next message may carry; the daemon's is the wall
        /// clock in microseconds, so a restarted camera's messages are not taken for replays.
        package var sequenceFloor: @Sendable () -> UInt64

        package init(copies: Int = 1, readsRouterTable: Bool = false, sequenceFloor: @escaping @Sendable () -> UInt64 = { 0 }) {
            self.copies = copies
            self.readsRouterTable = readsRouterTable
            self.sequenceFloor = sequenceFloor
        }
    }

    /// One exchange with the router, and the claim of the fixed port it was made for (nil:
    /// none); a driver that checks between reading and deleting asks `activeClaim`.
    package struct Exchange: Sendable, Equatable {
        package var action: Registration.Action
        package var claim: Int?
    }

    package enum Output: Sendable, Equatable {
        /// One copy of a peer message.
        case send(PeerMessage)
        /// Start this exchange with the router now; report its end to `exchangeEnded`.
        case exchange(Exchange)
        /// Read the router's table now; report the table (nil if it could not be read) to `tableRead`.
        case readTable
        /// The camera's role changed, because of `cause` when a peer's message did it.
        case roleChanged(Election.Role, term: UInt64, cause: PeerMessage?)
    }

    /// What came back from the router since the last turn, in the order it came.
    private enum Returned: Sendable {
        case answer(Registration.Event)
        case table([PortMapping])
    }

    package private(set) var node: CameraNode
    package let configuration: Configuration
    private var sequence: UInt64 = 0
    private var window = ReplayWindow()
    /// Exchanges waiting for the one under way to end, oldest first.
    private var waiting: [Exchange] = []
    /// Whether an exchange has been handed out and has not ended.
    package private(set) var exchanging = false
    private var returned: [Returned] = []
    /// The representative's reads of the router's table: whether one is out, when the last
    /// began, and how many mappings the last one listed.
    private var readingTable = false
    private var lastTableRead: Duration?
    private var lastTableSize = 0

    package init(node: CameraNode, configuration: Configuration = .init()) {
        self.node = node
        self.configuration = configuration
    }

    /// The claim of the fixed port under way, nil when none: an exchange of a claim that
    /// is no longer active must not delete what it read.
    package var activeClaim: Int? { node.registration.activeClaim }

    /// When `turn` next has something to do (besides what comes back from the router).
    package var wakeup: Duration { node.wakeup }

    // MARK: - Inputs

    /// An event of the camera's own, handled at once: boot's start, the daemon leaving aside.
    package mutating func handle(_ event: CameraNode.Event, at now: Duration) -> [Output] {
        var outputs: [Output] = []
        carryOut(node.handle(event, at: now), into: &outputs)
        return outputs
    }

    /// A peer's message, authenticated and decoded. Thrown: why it was dropped (seen
    /// before, a term out of reach), for the daemon's count; nothing else changes.
    package mutating func receive(_ message: PeerMessage, at now: Duration) throws(PeerCodecError) -> [Output] {
        guard message.sender != node.election.configuration.id else { return [] }
        guard window.accept(sender: message.sender, sequence: message.sequence) else {
            throw PeerCodecError(.replayed, "sequence \(message.sequence) from \(message.sender) seen before")
        }
        try node.election.admit(message)
        var outputs: [Output] = []
        let before = node.election.role
        carryOut(node.handle(.message(message), at: now), into: &outputs)
        noteRole(before, cause: message, into: &outputs)
        return outputs
    }

    /// The exchange handed out last has ended, with `answer` (nil: the router's answer
    /// says nothing the node needs, or there was none). The answer reaches the node at the
    /// next `turn`; the next exchange, if one waits, is handed out now.
    package mutating func exchangeEnded(answer: Registration.Event?) -> [Output] {
        exchanging = false
        if let answer { returned.append(.answer(answer)) }
        return nextExchange()
    }

    /// The table read asked for has ended: the table, or nil when it could not be read.
    package mutating func tableRead(_ table: [PortMapping]?) {
        readingTable = false
        if let table { returned.append(.table(table)) }
    }

    /// Whether something came back from the router that the next `turn` hands the node.
    package var hasReturned: Bool { !returned.isEmpty }

    /// One turn: what came back from the router, then `requests` (the switch's, the API's),
    /// then a changed LAN address and a router restart, then what time has made due; and a
    /// read of the router's table when the representative's is due.
    package mutating func turn(at now: Duration, requests: [CameraNode.Event] = [], addressChanged address: String? = nil,
                              routerRestarted: Bool = false) -> [Output] {
        var outputs: [Output] = []
        let events = returned.map { returned -> CameraNode.Event in
            switch returned {
            case .answer(let answer): .backend(answer)
            case .table(let table): .routerTable(table)
            }
        }
        returned.removeAll()
        let beforeReturned = node.election.role
        for event in events + requests {
            if case .routerTable(let table) = event { lastTableSize = table.count }
            carryOut(node.handle(event, at: now), into: &outputs)
        }
        noteRole(beforeReturned, cause: nil, into: &outputs)
        let before = node.election.role
        if let address { carryOut(node.handle(.addressChanged(address), at: now), into: &outputs) }
        if routerRestarted { carryOut(node.handle(.backend(.routerRestarted), at: now), into: &outputs) }
        carryOut(node.advance(to: now), into: &outputs)
        noteRole(before, cause: nil, into: &outputs)
        if node.election.role == .representative && configuration.readsRouterTable && !readingTable
            && lastTableRead.map({ now - $0 >= Self.tableReadInterval(inquiry: node.election.configuration.inquiryInterval, entries: lastTableSize) }) ?? true {
            readingTable = true
            lastTableRead = now
            outputs.append(.readTable)
        }
        return outputs
    }

    /// The camera leaves the site (shutdown): the exchanges still waiting are dropped (a
    /// renewal must not map the port again after it was given back). Carried out in this
    /// order: `exchanges` (the port back to the router) first, then `messages` (the bye),
    /// so the successor's first request for the fixed port finds it free and no late
    /// delete of ours can hit its new mapping.
    package mutating func leave(at now: Duration) -> (exchanges: [Registration.Action], messages: [PeerMessage]) {
        waiting.removeAll()
        var exchanges: [Registration.Action] = []
        var messages: [PeerMessage] = []
        for action in node.handle(.leave, at: now) {
            switch action {
            case .backend(let request): exchanges.append(request)
            case .send(let kind): messages += copies(of: kind)
            }
        }
        return (exchanges, messages)
    }

    // MARK: - The table's reads

    /// How often the representative reads the router's table: every inquiry interval, but
    /// no more than one of its exchanges (one per entry, and the one that ends the table)
    /// every `tableExchangeSpacing` on average. The fixed port's renewal every second already
    /// puts back a mapping that went missing; the reads are for the directory, which hears
    /// of the cameras from their own messages too, and on a site of many cameras reading at
    /// every inquiry would be most of the router's work. 2.5 s: with four cameras a read
    /// every 15 s or so, 0.4 exchanges a second, within the representative's budget of two
    /// beside the fixed port's renewal every second.
    static func tableReadInterval(inquiry: Duration, entries: Int) -> Duration {
        max(inquiry, tableExchangeSpacing * (min(entries, 1024) + 1))
    }

    static let tableExchangeSpacing: Duration = .milliseconds(2500)

    // MARK: - Outputs

    private mutating func carryOut(_ actions: [CameraNode.Action], into outputs: inout [Output]) {
        for action in actions {
            switch action {
            case .send(let kind):
                outputs += copies(of: kind).map(Output.send)
            case .backend(let request):
                waiting.append(Exchange(action: request, claim: node.registration.claim(makingAction: request)))
                if !exchanging { outputs += nextExchange() }
            }
        }
    }

    /// The next waiting exchange whose claim (if any) is still on; a claim's request
    /// dropped on the way is answered as refused at the next turn.
    private mutating func nextExchange() -> [Output] {
        // Read once: dropping exchanges does not change the claim.
        let active = node.registration.activeClaim
        while !waiting.isEmpty {
            let exchange = waiting.removeFirst()
            if let claim = exchange.claim, claim != active {
                if let answer = Registration.answer(droppingClaimExchange: exchange.action) { returned.append(.answer(answer)) }
                continue
            }
            exchanging = true
            return [.exchange(exchange)]
        }
        return []
    }

    private mutating func copies(of kind: PeerMessage.Kind) -> [PeerMessage] {
        (0..<(kind == .bye ? configuration.copies * 2 : configuration.copies)).map { _ in
            sequence = max(sequence + 1, configuration.sequenceFloor())
            return PeerMessage(kind: kind, sender: node.election.configuration.id, sequence: sequence,
                               term: node.election.term, camera: node.election.me)
        }
    }

    private func noteRole(_ before: Election.Role, cause: PeerMessage?, into outputs: inout [Output]) {
        if node.election.role != before { outputs.append(.roleChanged(node.election.role, term: node.election.term, cause: cause)) }
    }
}
