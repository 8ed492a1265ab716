/// Who is the representative: a pure state machine, one per camera, driven by peer
/// messages, by what registration reports about the fixed port, and by time.
///
/// Safety rests on the router: only one host can hold the fixed port, and a camera
/// acts as representative only while it holds it. Terms settle the rest, as in Raft: a
/// claim opens a new term, and a representative that hears another representative's
/// inquiry, rotated or alive in a higher term steps down; so after a partition heals
/// exactly one remains. A claim in a higher term does not unseat it (see below).
///
/// Withdrawal is noticed three ways (claims 14–16, docs/claims.md): a `bye`; silence for `missed`
/// inquiry intervals; and probes that go unanswered. Once all but the last of the
/// `missed` inquiries have not come (and a little more), a member probes, every
/// `probeInterval`; when `probesUnanswered` of them got no answer it counts the
/// representative as gone without waiting out the last interval. One that is still
/// there answers with `alive` (a probe is one more chance for it to be heard on a lossy
/// LAN); one that crashed is noticed up to an interval sooner.
///
/// A live representative is sticky: on a lossy LAN a member can miss every heartbeat
/// and probe answer of one that is still there, and claim. The representative, which
/// holds the fixed port, does not step down for that claim; it takes the claim's term
/// and refutes it with an inquiry, which makes the claimant follow it again. The
/// claimant meanwhile asks the router for the fixed port but takes over a merely silent
/// predecessor's mapping only on a later attempt, once a refutation could have arrived
/// (after a `bye` it takes it over at once).
package struct Election: Sendable {
    package struct Configuration: Sendable {
        /// This camera's sender id.
        package var id: String
        package var inquiryInterval: Duration
        package var missed: Int
        /// How long a claim may take to win the fixed port from the router: the claimant
        /// gives up after it, and the others, having heard the claim, wait that long before
        /// they claim themselves. At least twice the silence limit; on a slow router, enough
        /// for two exchanges with it (the daemon passes twice `[mapping] timeout`).
        package var claimTimeout: Duration

        package init(id: String, inquiryInterval: Duration, missed: Int, claimTimeout: Duration = .zero) {
            self.id = id
            self.inquiryInterval = inquiryInterval
            self.missed = missed
            self.claimTimeout = max(claimTimeout, inquiryInterval * missed * 2)
        }

        /// Silence after which the representative counts as gone.
        var silenceLimit: Duration { inquiryInterval * missed }

        /// Slack after an inquiry was due before probing (a twentieth of the interval): the
        /// representative's tick (20 ms) and the LAN delay it by a few milliseconds, and
        /// a probe too many only costs an answer.
        package var probeGrace: Duration { inquiryInterval / 20 }
        /// Between probes (a tenth of the interval): an answer crosses a LAN in a
        /// millisecond, and the representative answers in a turn of its loop; three probes
        /// end well within the last interval, so a crash is noticed at 1.35 intervals of
        /// silence (missed = 2), not 2.
        package var probeInterval: Duration { inquiryInterval / 10 }
        package var probesUnanswered: Int { 3 }

        /// Silence after which probes start: all inquiries but the last missed, and the grace.
        var probeStart: Duration { min(silenceLimit - inquiryInterval + probeGrace, silenceLimit) }

        /// Silence after which probes have gone unanswered: the representative is gone.
        var probedLimit: Duration { min(probeStart + probeInterval * probesUnanswered, silenceLimit) }
    }

    package enum Role: String, Sendable, Equatable, Codable, CaseIterable {
        case member
        /// Claimed the fixed port in the current term; waiting for the router.
        case claiming
        case representative
    }

    package enum Event: Sendable, Equatable {
        /// An authenticated, fresh message from another camera.
        case message(PeerMessage)
        /// Registration now holds the fixed port.
        case fixedPortHeld
        /// Registration lost the fixed port, or its claim failed.
        case fixedPortLost
        /// Shutting down.
        case leave
    }

    package enum Action: Sendable, Equatable {
        /// Multicast a message of this kind, with the current term and this camera's record.
        case send(PeerMessage.Kind)
        case claimFixedPort
        case releaseFixedPort
        /// A rival claimant in this term comes first in the policy's order: it alone
        /// deletes the predecessor's mapping; this camera only asks the router for the port.
        case forgoTakeOver
    }

    package let configuration: Configuration
    package let policy: any ElectionPolicy
    package private(set) var role: Role = .member
    package private(set) var term: UInt64 = 0
    /// The representative this camera follows; itself when representative.
    package private(set) var representative: String?
    /// Every camera heard from, for the policies and the directory.
    package private(set) var peers: [String: Peer] = [:]
    /// When `advance(to:)` next has something to do.
    package private(set) var wakeup: Duration
    /// This camera's own record, as registration last reported it.
    package private(set) var me: CameraRecord
    /// The LAN address of the last representative followed: whose fixed-port mapping a
    /// claim may take over once it is gone.
    package private(set) var predecessorAddress: String?
    /// Whether that representative said bye (rather than only falling silent): its
    /// mapping may be taken over at once.
    package private(set) var predecessorLeft = false

    private var lastHeard: Duration
    /// Probes sent in this silence; the next one is due at `nextProbe`.
    private var probesSent = 0
    private var nextProbe: Duration?
    /// When this camera last reported to an inquiry: the copies of one inquiry get one report.
    private var lastReport: Duration?
    private var claimAt: Duration?
    private var attempt = 0
    private var nextInquiry: Duration = .zero

    package struct Peer: Sendable, Equatable {
        package var record: CameraRecord
        package var lastHeard: Duration
    }

    package init(configuration: Configuration, policy: any ElectionPolicy, me: CameraRecord, at now: Duration) {
        self.configuration = configuration
        self.policy = policy
        self.me = me
        // A representative may already be there: give it the full silence limit to be heard.
        self.lastHeard = now
        self.wakeup = now + configuration.silenceLimit
    }

    // MARK: - Inputs

    package mutating func handle(_ event: Event, at now: Duration) -> [Action] {
        switch event {
        case .message(let message):
            return receive(message, at: now)

        case .fixedPortHeld:
            guard role != .representative else { return [] }
            // The router gave us the fixed port: we are the representative, in a term of our own.
            if role != .claiming { term = Self.term(after: term) }
            role = .representative
            representative = configuration.id
            claimAt = nil
            attempt = 0
            nextInquiry = now + configuration.inquiryInterval
            wakeup = nextInquiry
            return [.send(.rotated)]

        case .fixedPortLost:
            guard role != .member else { return [] }
            role = .member
            if representative == configuration.id { representative = nil }
            // Someone else holds it; listen for them before trying again.
            lastHeard = now
            stopProbing()
            wakeup = now + configuration.silenceLimit
            return []

        case .leave:
            guard role == .representative else { return [] }
            role = .member
            representative = nil
            return [.send(.bye), .releaseFixedPort]
        }
    }

    /// This camera's record changed (a port granted, a rename, a new LAN address): others learn it now.
    package mutating func update(me record: CameraRecord) -> [Action] {
        let gotPort = record.externalPort != nil && record.externalPort != me.externalPort
        let renamed = record.name != me.name
        let moved = record.internalAddress != me.internalAddress
        me = record
        return gotPort || renamed || moved ? [.send(.notice)] : []
    }

    package mutating func advance(to now: Duration) -> [Action] {
        var actions: [Action] = []
        switch role {
        case .representative:
            if now >= nextInquiry {
                actions.append(.send(.inquiry))
                nextInquiry = now + configuration.inquiryInterval
            }
            wakeup = nextInquiry

        case .claiming:
            // The router's answer comes as fixedPortHeld or fixedPortLost; if neither came
            // within the claim's time, treat it as lost and start over.
            if now - lastHeard >= configuration.claimTimeout {
                actions += handle(.fixedPortLost, at: now)
            } else {
                wakeup = lastHeard + configuration.claimTimeout
            }

        case .member:
            let silence = now - lastHeard
            if let at = claimAt {
                if now >= at {
                    claimAt = nil
                    term = Self.term(after: term)
                    role = .claiming
                    lastHeard = now
                    attempt += 1
                    actions += [.send(.claim), .claimFixedPort]
                    wakeup = now + configuration.claimTimeout
                } else {
                    wakeup = at
                }
            } else if silence >= configuration.silenceLimit || (probesSent >= configuration.probesUnanswered && silence >= configuration.probedLimit) {
                // The representative is gone: it leaves the directory now, not at the
                // age-out, and the policy says how long to wait before claiming.
                if let gone = representative, gone != configuration.id { peers[gone] = nil }
                if representative != configuration.id { representative = nil }
                stopProbing()
                let delay = policy.claimDelay(for: candidate(me, id: configuration.id), among: peerCandidates(at: now), attempt: attempt)
                claimAt = now + delay
                wakeup = claimAt!
                if delay == .zero { actions += advance(to: now) }
            } else if representative == nil {
                // Nobody to probe (at boot, or after a claim): the silence limit alone.
                wakeup = lastHeard + configuration.silenceLimit
            } else if silence >= configuration.probeStart && (nextProbe.map { now >= $0 } ?? true) && probesSent < configuration.probesUnanswered {
                probesSent += 1
                nextProbe = now + configuration.probeInterval
                actions.append(.send(.probe))
                wakeup = probesSent < configuration.probesUnanswered ? nextProbe! : lastHeard + configuration.probedLimit
            } else if let next = nextProbe, probesSent < configuration.probesUnanswered {
                wakeup = next
            } else if probesSent >= configuration.probesUnanswered {
                wakeup = lastHeard + configuration.probedLimit
            } else {
                wakeup = lastHeard + configuration.probeStart
            }
        }
        return actions
    }

    // MARK: - Messages

    /// How far above this camera's term a peer's may be. Terms rise by one per claim, and a
    /// camera claims at most once per silence limit plus claim timeout (12 s by default,
    /// 0.6 s at the fastest settings): one cut off from the site and claiming without pause
    /// gets 2²⁴ ahead only after six years (116 days at the fastest), and a new camera
    /// (term 0) is refused only by a site that has held that many elections. A message that
    /// jumps further is refused, so no message, even under the site key, carries the site
    /// to the end of the term space: at this step that takes 2⁴⁰ accepted messages.
    package static let maximumTermStep: UInt64 = 1 << 24

    /// Refuses a message whose term is further ahead than `maximumTermStep`; the site
    /// service counts it as a dropped datagram.
    package func admit(_ message: PeerMessage) throws(PeerCodecError) {
        guard message.term <= term.addingSaturating(Self.maximumTermStep) else {
            throw PeerCodecError(.termJump, "term \(message.term) from \(message.sender) is more than \(Self.maximumTermStep) above this camera's \(term)")
        }
    }

    /// The next term; the last one stays (`admit` keeps terms far from it, but a term
    /// never overflows).
    static func term(after term: UInt64) -> UInt64 { term.addingSaturating(1) }

    private mutating func receive(_ message: PeerMessage, at now: Duration) -> [Action] {
        guard message.sender != configuration.id else { return [] }
        // The site service counts a refused message; here it is only ignored.
        guard (try? admit(message)) != nil else { return [] }
        peers[message.sender] = Peer(record: message.camera, lastHeard: now)
        var actions: [Action] = []

        switch message.kind {
        case .inquiry, .rotated, .alive:
            if message.term > term || (message.term == term && role != .representative) {
                actions += follow(message, at: now)
            } else if message.term == term && role == .representative {
                // Two representatives in one term: after a partition. The policy's tie rule keeps one.
                if policy.prefers(candidate(message.camera, id: message.sender), over: candidate(me, id: configuration.id)) {
                    actions += follow(message, at: now) + [.releaseFixedPort]
                } else {
                    actions.append(.send(.inquiry))
                }
            } else if role == .representative {
                actions.append(.send(.inquiry))  // a stale term: tell it who leads
            } else if role == .claiming && message.kind != .rotated && message.camera.internalAddress == predecessorAddress {
                // The representative we claimed against is still there; our claim never
                // reached it. Give the claim up before taking its mapping over, and probe
                // in our term: its answer, in that term, brings everyone back to it.
                role = .member
                claimAt = nil
                lastHeard = now
                stopProbing()
                wakeup = now + configuration.probeStart
                actions += [.releaseFixedPort, .send(.probe)]
            }
            // A new representative's rotated is answered as an inquiry is: it rebuilds the
            // directory now (the patent's port mapping after the rotation), not at its first
            // inquiry an interval later, from whatever it happened to hear as a member.
            if message.kind != .alive && representative == message.sender && role == .member
                && (lastReport.map { now - $0 >= configuration.inquiryInterval / 2 } ?? true) {
                lastReport = now
                actions.append(.send(.report))
            }

        case .claim:
            if role == .representative {
                // Still here and holding the fixed port: the claimant missed our heartbeats.
                // Refute in the claim's term (so the claimant and everyone who heard the claim
                // follow us again) instead of stepping down.
                term = max(term, message.term)
                actions.append(.send(.inquiry))
                nextInquiry = now + configuration.inquiryInterval
                wakeup = nextInquiry
            } else if message.term > term {
                let wasRepresentative = role == .representative
                let wasClaiming = role == .claiming
                term = message.term
                role = .member
                representative = nil
                claimAt = nil
                // Give the claimant its time with the router before counting silence again:
                // on a slow router, claims that kept overtaking each other would never end.
                lastHeard = now + configuration.claimTimeout - configuration.silenceLimit
                stopProbing()
                wakeup = lastHeard + configuration.probeStart
                if wasRepresentative || wasClaiming { actions.append(.releaseFixedPort) }
            } else if message.term == term && role == .claiming {
                // Two claims in one term.
                let other = candidate(message.camera, id: message.sender), mine = candidate(me, id: configuration.id)
                if policy.yieldsOnCollision(other, over: mine) {
                    role = .member
                    lastHeard = now
                    actions.append(.releaseFixedPort)
                    if policy.yieldsOnCollision(mine, over: other) {
                        // Both yield (random-backoff): each backs off at once over the next,
                        // wider window. Waiting out the silence limit instead would leave
                        // the site without a representative for that long; the first to
                        // claim again opens a higher term, which makes the other follow.
                        let delay = policy.claimDelay(for: mine, among: peerCandidates(at: now), attempt: attempt)
                        claimAt = now + delay
                        wakeup = now + delay
                    } else {
                        // The other stays in: listen for its rotated.
                        claimAt = nil
                        wakeup = now + configuration.silenceLimit
                    }
                } else if policy.prefers(other, over: mine) {
                    // Both stay in (first-come: the router decides). But a read of the port
                    // and a delete are two exchanges, and a rival's new mapping can come
                    // between them; with one deleter per term, no claimant deletes another's.
                    actions.append(.forgoTakeOver)
                }
            }

        case .probe:
            if role == .representative {
                // A probe in a higher term comes from a camera that heard a claim we did not:
                // answer in that term, so it and the others follow us again.
                term = max(term, message.term)
                actions.append(.send(.alive))
            }

        case .bye:
            peers[message.sender] = nil
            if message.sender == representative {
                representative = nil
                predecessorLeft = true
                lastHeard = now - configuration.silenceLimit  // gone now: elect at once
                stopProbing()
                actions += advance(to: now)
            }

        case .report, .notice:
            if role == .representative && message.term > term {
                term = message.term
                actions.append(.send(.inquiry))
            }
        }
        return actions
    }

    private mutating func follow(_ message: PeerMessage, at now: Duration) -> [Action] {
        let stepDown = role != .member
        // A report given to the last representative is not one given to this one.
        if representative != message.sender { lastReport = nil }
        predecessorAddress = message.camera.internalAddress
        predecessorLeft = false
        term = message.term
        role = .member
        representative = message.sender
        lastHeard = now
        stopProbing()
        claimAt = nil
        attempt = 0
        wakeup = now + configuration.probeStart
        return stepDown ? [.releaseFixedPort] : []
    }

    private mutating func stopProbing() {
        probesSent = 0
        nextProbe = nil
    }

    /// Drops peers not heard from for `age`, except those at an internal address in
    /// `keeping`; returns whom.
    package mutating func forget(olderThan age: Duration, at now: Duration, keeping: Set<String> = []) -> [String] {
        let old = peers.filter { now - $0.value.lastHeard > age && !keeping.contains($0.value.record.internalAddress) }.map(\.key)
        for id in old { peers[id] = nil }
        return old
    }

    private func candidate(_ record: CameraRecord, id: String) -> ElectionCandidate {
        ElectionCandidate(id: id, externalPort: record.externalPort, serverValue: record.serverValue)
    }

    private func peerCandidates(at now: Duration) -> [ElectionCandidate] {
        peers.filter { $0.key != representative && now - $0.value.lastHeard <= configuration.silenceLimit * 2 }
            .map { candidate($0.value.record, id: $0.key) }
    }
}

extension UInt64 {
    fileprivate func addingSaturating(_ other: UInt64) -> UInt64 {
        let (sum, overflow) = addingReportingOverflow(other)
        return overflow ? .max : sum
    }
}
