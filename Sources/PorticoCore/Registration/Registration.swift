/// Keeps this camera's port mapped on the router: a pure state machine.
///
/// It is driven by events (replies from a `MappingBackend`, the switch, a router
/// reboot noticed by the backend) and by time passed in as `now`, a duration since any
/// fixed origin. It answers with actions for the driver to carry out. Nothing in it
/// waits, sleeps or talks to a network, so tests run it in virtual time and the same
/// code runs on the board.
///
/// The order of asking follows claim 2 (docs/claims.md): the fixed port first; when the router says it
/// is taken, the next port of the range; when the range is exhausted, the fixed port
/// again after a pause (its holder may have left).
///
/// The driver may carry out actions while the machine goes on (the daemon does: a slow
/// router must not hold up the peers), so a new request can be made before the last
/// one was answered. Answers must come back in the order the requests went out; an
/// answer to a request that a newer one has replaced changes nothing, and a port it
/// granted that is no longer wanted is given back; except the fixed port granted to a
/// claim that ended meanwhile, which is kept (see `keep(lateFixedPort:at:)`).
package struct Registration: Sendable {
    package struct Configuration: Sendable, Equatable {
        package var fixedPort: Int
        package var ports: PortRange
        /// Lease asked for; renewed at half of it.
        package var lease: Duration
        package var internalAddress: String
        package var internalPort: Int
        /// `portico:<camera name>`.
        package var description: String
        /// First pause after a failure that is not a refusal of the port; doubles up to `maximumRetryDelay`.
        package var retryDelay: Duration
        package var maximumRetryDelay: Duration
        /// How often a permanent mapping (lease 0) is asked for again, to notice that it is gone.
        package var permanentRefresh: Duration
        /// Lease of the fixed port: short, so when the router will not let a new representative
        /// delete its predecessor's mapping, that mapping lapses soon. Renewed at a third.
        /// Used until the router is seen to let a successor delete it (see `fixedLeaseWhereDeletable`).
        package var fixedLease: Duration
        /// Lease of the fixed port once a takeover has deleted a predecessor's mapping: a
        /// successor no longer waits for the lease, so a longer one costs the router fewer
        /// renewals. Back to `fixedLease` as soon as a takeover is refused.
        package var fixedLeaseWhereDeletable: Duration
        /// Least time between two questions for the external address: the fixed port's short
        /// lease is renewed every second or so, and asking the address with each renewal
        /// would double the representative's exchanges with the router. By default the
        /// renewal interval of the lease asked for, at most 10 s: a representative sees a
        /// changed address as soon as any camera of the site would, and its public page
        /// is wrong for no longer than that.
        package var addressRefresh: Duration
        /// Pause between attempts on the fixed port while claiming it.
        package var claimRetry: Duration
        /// Pause between attempts once the router has refused a takeover and the predecessor's
        /// mapping may lapse any moment: routers count leases in whole seconds, so it lapses
        /// within the second before the time the router said (or, from NAT-PMP, at a time it
        /// cannot say), and miniupnpd removes a lapsed mapping only when its loop next runs,
        /// which an attempt that it refuses sets going: the next attempt, soon, gets the port.
        package var lapsePoll: Duration
        /// How long after a claim a merely silent predecessor's mapping is taken over: by
        /// then a predecessor that is still there has refuted the claim (a LAN crossing
        /// each way and a turn of its loop: milliseconds; the rest is for a busy board).
        /// It has already gone unheard through the missed inquiries and three probes, so
        /// this wait is rarely for anything, and it lies on every crash's failover path:
        /// 50 ms. Were a refutation later still, the only cost is a needless rotation (the
        /// router gives the port to the claimant; the old representative's table read then
        /// finds it gone and its request refused, and it steps down).
        package var takeOverWait: Duration
        /// Whether this camera can hold its own port beside the fixed one: the router keeps
        /// several mappings per host (UPnP), or the fixed port forwards to an internal port
        /// of its own (`fixedInternalPort`; NAT-PMP keeps one mapping per internal port).
        /// Then a claimant keeps its own port while it claims, so it stays listed and no
        /// exchange lies before the takeover; and as representative it keeps it, so that
        /// links to it stay valid (see `HeldPorts`), until it leaves.
        package var keepsOwnPort: Bool
        /// The internal port the fixed port forwards to: `internalPort` unless the web
        /// server also listens on a second port for it (see `keepsOwnPort`).
        package var fixedInternalPort: Int
        /// Whether the router keeps a description per mapping (UPnP; NAT-PMP has none):
        /// then a rename makes the mapping again under the new one.
        package var describesMappings: Bool

        package init(
            fixedPort: Int, ports: PortRange, lease: Duration, internalAddress: String, internalPort: Int,
            description: String, retryDelay: Duration = .seconds(2), maximumRetryDelay: Duration = .seconds(60),
            permanentRefresh: Duration = .seconds(300), fixedLease: Duration? = nil, fixedLeaseWhereDeletable: Duration? = nil,
            addressRefresh: Duration? = nil, claimRetry: Duration = .milliseconds(500), lapsePoll: Duration = .milliseconds(150),
            takeOverWait: Duration = .milliseconds(50), keepsOwnPort: Bool = false, fixedInternalPort: Int? = nil,
            describesMappings: Bool = false
        ) {
            self.keepsOwnPort = keepsOwnPort
            self.fixedInternalPort = fixedInternalPort ?? internalPort
            self.describesMappings = describesMappings
            self.fixedLease = fixedLease ?? lease
            self.fixedLeaseWhereDeletable = fixedLeaseWhereDeletable ?? fixedLease ?? lease
            self.addressRefresh = addressRefresh ?? min(.seconds(10), lease / 2)
            self.claimRetry = claimRetry
            self.lapsePoll = lapsePoll
            self.takeOverWait = takeOverWait
            self.fixedPort = fixedPort
            self.ports = ports
            self.lease = lease
            self.internalAddress = internalAddress
            self.internalPort = internalPort
            self.description = description
            self.retryDelay = retryDelay
            self.maximumRetryDelay = maximumRetryDelay
            self.permanentRefresh = permanentRefresh
        }
    }

    package enum Event: Sendable, Equatable {
        /// Boot, or the registration switch.
        case start
        /// The long press, or shutdown: give the port back.
        case withdraw
        /// The router granted a mapping (possibly on another port than asked).
        case mapped(PortMapping)
        case mapFailed(MappingError)
        case externalAddress(String)
        case externalAddressFailed(MappingError)
        /// The backend noticed the router restarted (UPnP BOOTID, NAT-PMP epoch): mappings may be gone.
        case routerRestarted
        /// The election chose this camera: take the fixed port; `predecessor` is the LAN
        /// address of the last representative, whose mapping is taken over when the first
        /// attempt is refused: at once when it said bye (`predecessorLeft`), else not before
        /// `takeOverWait` after the claim.
        case claimFixedPort(predecessor: String?, predecessorLeft: Bool = false)
        /// Another camera won: leave the fixed port (or stop trying for it) and go back to the range.
        case releaseFixedPort
        /// A rival claimant takes the predecessor's mapping over: this claim only asks for
        /// the port, until that mapping is gone or its lease has lapsed.
        case forgoTakeOver
        /// The router's table, read just now, does not list the mapping of `externalPort`
        /// to this camera: ask for it again at once rather than at the renewal.
        case notListed(externalPort: Int)
        /// The board's LAN address changed (a DHCP renewal handed out another): what is
        /// mapped forwards to an address that is no longer this camera's.
        case addressChanged(String)
        /// A takeover deleted the predecessor's mapping: this router lets a successor do
        /// that, so the fixed port's lease need not be short.
        case tookOver
        /// The camera was renamed: the mapping's description (`portico:<name>`, which a
        /// representative lists names from) follows: at once where the router keeps
        /// descriptions (`describesMappings`), else with the next request.
        case renamed(description: String)
        /// The router refused a takeover (UPnP's secure mode, or NAT-PMP, which deletes only
        /// a host's own mappings): the predecessor's mapping lapses on its own, `leaseLeft`
        /// from now as the router said when it was read (whole seconds, rounded down), nil
        /// when it cannot say.
        case takeOverRefused(leaseLeft: Duration?)
    }

    package enum Action: Sendable, Equatable {
        case map(PortMappingRequest)
        case unmap(externalPort: Int)
        /// Delete the mapping of `externalPort` only if it still forwards to `from` (the
        /// departed representative), where the router lets another host delete it. Never
        /// an unconditional delete: two claimants must not delete each other's new mapping.
        case takeOver(externalPort: Int, from: String)
        /// Delete the mapping of `externalPort` only if it still forwards to this camera
        /// (`holder`): the port given up may be another host's by now (the fixed port a
        /// successor took over while this camera still thought it held it; a port asked
        /// for that the router gave to another).
        case giveBack(externalPort: Int, holder: String)
        case queryExternalAddress
    }

    package enum Phase: String, Sendable, Equatable, Codable, CaseIterable {
        /// Not registered: before the switch, or after withdrawing.
        case idle
        /// A map request is out; `requestedPort` says for which port.
        case requesting
        /// Mapped; renewal is due at `wakeup`.
        case mapped
        /// A failure; the next attempt is at `wakeup`.
        case waiting
    }

    /// Fixed but for `internalAddress`, which follows the board's (`addressChanged`).
    package private(set) var configuration: Configuration
    package private(set) var phase: Phase = .idle
    /// The port of the request in flight, or of the next attempt.
    package private(set) var requestedPort: Int
    /// What the router granted; kept through a failed renewal until its lease runs out.
    package private(set) var held: HeldPorts = .nothing
    /// The port the election goes by: the fixed one where held, else this camera's own.
    package var mapping: PortMapping? { held.main?.mapping }
    package private(set) var externalAddress: String?
    /// When `advance(to:)` next has something to do; nil when nothing is scheduled.
    package var wakeup: Duration? {
        guard case .fixedAndOwn(_, let own, let renewal) = held else { return nextStep }
        return [nextStep, renewal, own.expires].compactMap { $0 }.min()
    }
    /// The next step of the main port's line (requests, renewals, retries, the claim).
    private var nextStep: Duration?
    package private(set) var lastError: MappingError?
    /// Times the router's external address was seen to change.
    package private(set) var addressChanges = 0
    /// Times registration was started (at boot, by the switch, `portico register` or the API)
    /// while not registered: a bring-up script sees that one press registered once.
    package private(set) var starts = 0
    /// Times the router extended the lease of the port already held.
    package private(set) var renewals = 0
    /// Times a claim of the fixed port ended without it (another camera held on to it).
    package private(set) var claimFailures = 0
    /// Claims of the fixed port begun so far; while claiming, the current one's number.
    package private(set) var claims = 0
    /// The claim of the fixed port under way, nil when none: all that lasts exactly as
    /// long as a claim, so a claim that ends leaves nothing of it behind.
    private var claim: Claim?
    private struct Claim: Equatable {
        /// Its number among `claims`.
        let number: Int
        /// Until then the predecessor's lease may not have lapsed (refusals mean "try again
        /// soon"); past it, someone else really holds the fixed port.
        var deadline: Duration
        /// The port held or asked for when the claim began: where a failed claim goes back to.
        let portBefore: Int
        /// A silent predecessor's mapping to take over, if the claim lasts that long.
        var takeOver: TakeOver?
        /// What a refused takeover said of the predecessor's mapping.
        var refusal: Refusal?
    }
    private struct TakeOver: Equatable {
        /// The predecessor's LAN address, which its mapping must still forward to.
        let from: String
        let at: Duration
    }
    /// While claiming the fixed port: until then the predecessor's lease must have lapsed.
    package var claimDeadline: Duration? { claim?.deadline }
    /// The current claim's number, nil when not claiming: a driver that queues exchanges
    /// drops those of a claim that has ended before they are sent.
    ///
    /// Not inlined: inlined into `CameraNodeDriver`'s queue, Swift 6.3.1's release
    /// optimiser fails its own ownership check on the optional claim and aborts the build.
    package var activeClaim: Int? {
        @inline(never) get { claim?.number }
    }

    /// The claim `action` is made for, if it is one of a claim's exchanges (asking for the
    /// fixed port, taking over its mapping) and a claim is on; nil otherwise.
    package func claim(makingAction action: Action) -> Int? {
        switch action {
        case .map(let asked) where asked.externalPort == configuration.fixedPort: activeClaim
        case .takeOver: activeClaim
        case .map, .unmap, .giveBack, .queryExternalAddress: nil
        }
    }

    /// The answer a driver feeds back for a claim's exchange it dropped because the claim
    /// ended before the exchange's turn came: a request is answered all the same (as
    /// refused), so the count of answers stays right; a takeover needs none.
    package static func answer(droppingClaimExchange action: Action) -> Event? {
        guard case .map(let asked) = action else { return nil }
        return .mapFailed(MappingError(.refused, message: "port \(asked.externalPort) not asked for: the claim it was for has ended"))
    }
    /// The map requests sent and not answered yet, oldest first.
    private var unanswered: [Asked] = []
    private enum Asked: Equatable {
        /// The main line: the port held or wanted (`requestedPort`).
        case port(Int)
        /// A renewal of the own port kept beside the fixed one.
        case keptOwn(Int)

        var isMain: Bool { if case .port = self { true } else { false } }
    }
    /// Whether a request of the main line is still unanswered.
    private var mainAsked: Bool { unanswered.contains { $0.isMain } }
    private var mappingExpires: Duration? { held.main?.expires }
    private enum Refusal: Equatable {
        /// The router said when, rounded down to whole seconds: not before a second earlier.
        case lapsesBy(Duration)
        /// NAT-PMP: the router cannot say.
        case untold
    }
    /// Whether a takeover was seen to delete a predecessor's mapping (and none refused since).
    private var successorsCanDelete = false
    /// The ports held that were mapped under a name the camera no longer has: the main
    /// one and the own port kept beside the fixed one, each made again on its own line.
    private var describedStale: Set<Int> = []
    private var lastAddressQuery: Duration?
    /// When the main line's latest request went out: its renewal is timed from there.
    private var mainAskedAt: Duration?
    private var permanentOnly = false
    private var failures = 0

    package init(configuration: Configuration) {
        self.configuration = configuration
        self.requestedPort = configuration.fixedPort
    }

    // MARK: - Inputs

    package mutating func handle(_ event: Event, at now: Duration) -> [Action] {
        switch event {
        case .start:
            guard phase == .idle else { return [] }
            starts += 1
            failures = 0
            lastAddressQuery = now
            return [.queryExternalAddress] + request(configuration.fixedPort, at: now)

        case .withdraw:
            let ports = held.ports
            phase = .idle
            held = .nothing
            nextStep = nil
            requestedPort = configuration.fixedPort
            // Before the bye: no successor can hold the port yet, so no check is needed.
            return ports.map { .unmap(externalPort: $0) }

        case .mapped(let granted):
            if case .keptOwn(let asked)? = unanswered.first {
                unanswered.removeFirst()
                return ownRenewed(asked: asked, granted: granted, at: now)
            }
            if let stale = superseded(granted: granted, at: now) { return stale }
            guard phase == .requesting else { return [] }
            if granted.externalPort != requestedPort, let claim, requestedPort == configuration.fixedPort {
                // Claiming, and NAT-PMP handed out another port because the predecessor's
                // mapping is still there: give it back and try again until that lease lapses.
                return [.unmap(externalPort: granted.externalPort)] + claimRefused(claim, at: now)
            }
            if granted.externalPort != requestedPort && (!configuration.ports.contains(granted.externalPort)
                || granted.internalPort != internalPort(for: granted.externalPort)) {
                // NAT-PMP grants a free port silently when the asked one is taken. One in the
                // profile's range is as good as the one we would ask next; any other is given
                // back and the range walked, as after a refusal, so cameras stay on the ports
                // the profile names whatever the backend. So is one granted to the fixed
                // port's own internal port: its renewals, asked from the main one, would be
                // another mapping.
                let refusal = MappingError(.conflict, message: "asked for port \(requestedPort), granted \(granted.externalPort)")
                return [.unmap(externalPort: granted.externalPort)] + handle(.mapFailed(refusal), at: now)
            }
            // The port already held, asked again: a renewal.
            if mapping?.externalPort == granted.externalPort { renewals += 1 }
            // A claimant that kept its own port keeps it beside the fixed one (see `hold`).
            hold(granted, at: now)
            return []

        case .mapFailed(let error):
            if case .keptOwn? = unanswered.first {
                unanswered.removeFirst()
                return ownRenewalFailed(error, at: now)
            }
            if superseded(granted: nil, at: now) != nil { return [] }
            guard phase == .requesting else { return [] }
            lastError = error
            switch error.code {
            case .onlyPermanentLeases where !permanentOnly:
                permanentOnly = true
                return request(requestedPort, at: now)
            case .conflict, .notAuthorized:
                if let claim, requestedPort == configuration.fixedPort {
                    return claimRefused(claim, at: now)
                }
                // This port is not ours to have: the next one, or a pause and the fixed port again.
                if mapping?.externalPort == requestedPort {
                    held.dropMain()
                    // The fixed port lost: back to the own port kept beside it.
                    if let own = mapping?.externalPort { return request(own, at: now) }
                }
                if let next = nextPort(after: requestedPort) {
                    return request(next, at: now)
                }
                return pause(retryingPort: configuration.fixedPort, at: now)
            default:
                return pause(retryingPort: requestedPort, at: now)
            }

        case .externalAddress(let address):
            if let previous = externalAddress, previous != address { addressChanges += 1 }
            externalAddress = address
            return []

        case .externalAddressFailed(let error):
            lastError = error
            return []

        case .claimFixedPort(let predecessor, let predecessorLeft):
            guard phase != .idle, !holdsFixedPort, claim == nil else { return [] }
            claims += 1
            // The predecessor's lease may be the longer one, if it had seen deletes work.
            claim = Claim(number: claims,
                          deadline: now + max(configuration.fixedLease, configuration.fixedLeaseWhereDeletable) + configuration.claimRetry * 2,
                          portBefore: mapping?.externalPort ?? requestedPort)
            var actions: [Action] = []
            if let own = mapping?.externalPort, !configuration.keepsOwnPort {
                // One mapping per internal port, and the fixed port forwards to ours: ours
                // must go before the fixed port can come.
                actions.append(.unmap(externalPort: own))
                held.dropMain()
            }
            // The predecessor's mapping, where the router lets another host delete it. After
            // its bye the port is asked for at once and the mapping taken over only if that is
            // refused (the leaver gives it back itself, so usually the first attempt gets it).
            // A silent one may still be there: nothing is asked until a refutation could have
            // come, and then its mapping (which a crashed one leaves) is taken over first.
            guard let predecessor, predecessor != configuration.internalAddress else {
                return actions + request(configuration.fixedPort, at: now)
            }
            if predecessorLeft {
                claim?.takeOver = TakeOver(from: predecessor, at: now)
                return actions + request(configuration.fixedPort, at: now)
            }
            let takeOverAt = now + configuration.takeOverWait
            claim?.takeOver = TakeOver(from: predecessor, at: takeOverAt)
            requestedPort = configuration.fixedPort
            phase = mapping == nil ? .waiting : .mapped
            nextStep = takeOverAt
            return actions

        case .releaseFixedPort:
            // Back to the own port: the one kept beside the fixed port, else the one held before the claim.
            let back = held.own?.mapping.externalPort
                ?? claim.flatMap { $0.portBefore == configuration.fixedPort ? nil : $0.portBefore } ?? nextPort(after: configuration.fixedPort)
            if claim != nil {
                claim = nil
                return back.map { request($0, at: now) } ?? []
            }
            guard holdsFixedPort else { return [] }
            held.dropMain()
            // Given back only if still ours: a successor may have taken the mapping over.
            return [.giveBack(externalPort: configuration.fixedPort, holder: configuration.internalAddress)]
                + (back.map { request($0, at: now) } ?? [])

        case .forgoTakeOver:
            guard claim?.takeOver != nil else { return [] }
            // The attempts go on as scheduled, each only a request; refused, again after claimRetry.
            claim?.takeOver = nil
            return []

        case .notListed(let port):
            // A rival's takeover can delete a mapping just made: its read of the port came
            // before the mapping, its delete after. Held, and nothing asked already: ask
            // again. If another host has the port by now the router says so, and the
            // refusal hands it over as any other would.
            guard phase == .mapped, mapping?.externalPort == port else { return [] }
            return request(port, at: now)

        case .addressChanged(let address):
            return move(to: address, at: now)

        case .routerRestarted:
            guard phase != .idle else { return [] }
            // Whatever the router remembers, ask again at once for the port we had.
            lastAddressQuery = now
            ownRenewalDue(at: now)
            return [.queryExternalAddress] + request(mapping?.externalPort ?? requestedPort, at: now)

        case .tookOver:
            successorsCanDelete = true
            return []

        case .renamed(let description):
            guard description != configuration.description else { return [] }
            configuration.description = description
            // What is mapped already was described under the old name; the next request
            // carries the new one either way.
            describedStale = configuration.describesMappings ? Set(held.ports) : []
            return redescribe(at: now)

        case .takeOverRefused(let leaseLeft):
            successorsCanDelete = false
            guard let deadline = claim?.deadline else { return [] }
            guard let leaseLeft else {
                claim?.refusal = .untold
                return []
            }
            // No attempt before the mapping can have lapsed; and the claim lasts until it has,
            // whatever lease it had.
            let lapses = now + leaseLeft
            claim?.refusal = .lapsesBy(lapses)
            claim?.deadline = max(deadline, lapses + configuration.claimRetry * 2)
            return []
        }
    }

    /// Carries out what is due at `now`: renewals, retries, a lease running out.
    package mutating func advance(to now: Duration) -> [Action] {
        let main = advanceMain(to: now)
        return main + advanceOwn(to: now)
    }

    private mutating func advanceMain(to now: Duration) -> [Action] {
        if let expires = mappingExpires, now >= expires + expiryGrace {
            // Renewal never succeeded: the router has forgotten us by now.
            held.dropMain()
        }
        let redescribed = redescribe(at: now)
        if !redescribed.isEmpty { return redescribed }
        guard let due = nextStep, now >= due else { return [] }
        switch phase {
        case .mapped, .waiting:
            if claim != nil {
                // Claiming the fixed port again; the predecessor's mapping first, when due.
                var actions: [Action] = []
                if let takeOver = claim?.takeOver, now >= takeOver.at {
                    actions.append(.takeOver(externalPort: configuration.fixedPort, from: takeOver.from))
                    claim?.takeOver = nil
                }
                return actions + request(requestedPort, at: now)
            }
            // The renewal first: on a slow link the lease matters more than the address,
            // which a retry after a failure does not ask again.
            let retry = failures > 0
            let addressDue = lastAddressQuery.map { now - $0 >= configuration.addressRefresh } ?? true
            if !retry && addressDue { lastAddressQuery = now }
            return request(requestedPort, at: now) + (retry || !addressDue ? [] : [.queryExternalAddress])
        case .requesting:
            // A request that never got an answer: the driver's timeout failed to report.
            if let oldest = unanswered.firstIndex(where: \.isMain) { unanswered.remove(at: oldest) }
            return pause(retryingPort: requestedPort, at: now)
        case .idle:
            nextStep = nil
            return []
        }
    }

    /// The old mapping is deleted where it still forwards to the old address (a router in
    /// secure mode refuses that from the new one; it then ends with its lease), and the
    /// port asked for again for the new address at once, not at the next renewal. Until the
    /// router answers, the mapping counts as held: a representative keeps its role, and
    /// the router's refusal, if the old mapping is still there, hands the port over to the
    /// range as any other refusal would. A claim goes on with its next attempt.
    private mutating func move(to address: String, at now: Duration) -> [Action] {
        let old = configuration.internalAddress
        guard address != old else { return [] }
        configuration.internalAddress = address
        guard phase != .idle else { return [] }
        let moved = held.ports.map { Action.giveBack(externalPort: $0, holder: old) }
        if claim != nil, mapping != nil {
            // The port kept while claiming forwards to the old address: given back, and asked
            // for again from the new one should the claim fail.
            held = .nothing
        }
        // An own port kept beside the fixed one is asked for from the new address too.
        ownRenewalDue(at: now)
        return moved + request(requestedPort, at: now)
    }

    // MARK: - Outcome

    /// How long past its lease a mapping whose renewals go unanswered is still counted as
    /// held. None for the range's ports. The fixed port one more lease: while renewals
    /// are tried again every moment, the representative keeps its role (the peers still
    /// hear it, so none claims the port meanwhile) until the router says another host
    /// has it, rather than unseat itself because a lossy link delayed the answers.
    private var expiryGrace: Duration {
        mapping?.externalPort == configuration.fixedPort ? fixedLease : .zero
    }

    /// The lease the fixed port is asked for: short unless a successor was seen to be able
    /// to delete a predecessor's mapping. Not knowing counts as not able: the first crash
    /// of a representative must not cost a long lease on a router that refuses.
    package var fixedLease: Duration {
        successorsCanDelete ? configuration.fixedLeaseWhereDeletable : configuration.fixedLease
    }

    /// Whether this camera holds the fixed port: the one that may become representative.
    package var holdsFixedPort: Bool { mapping?.externalPort == configuration.fixedPort }

    package var status: RegistrationStatus {
        let port = mapping?.externalPort
        var url: String?
        if let port, let externalAddress { url = "http://\(externalAddress):\(port)/" }
        return RegistrationStatus(
            phase: phase, externalAddress: externalAddress, externalPort: port,
            internalAddress: configuration.internalAddress, holdsFixedPort: holdsFixedPort,
            externalURL: url,
            ownPort: held.own?.mapping.externalPort,
            addressKind: externalAddress.map(ExternalAddress.classify),
            behindAnotherNAT: externalAddress.map(ExternalAddress.isBehindAnotherNAT) ?? false,
            lastError: lastError?.description, addressChanges: addressChanges, starts: starts, renewals: renewals)
    }

    // MARK: - Helpers

    /// Takes the oldest unanswered request off the list. Returns nil when this answer is
    /// for the newest request (or a stray one, which the phase check drops); otherwise
    /// what to do about an answer that a newer request has replaced: give back a port it
    /// granted that is neither held nor asked for again.
    private mutating func superseded(granted: PortMapping?, at now: Duration) -> [Action]? {
        guard !unanswered.isEmpty else { return nil }
        unanswered.removeFirst()
        guard mainAsked || phase == .idle else { return nil }
        guard let granted else { return [] }
        if held.ports.contains(granted.externalPort) {
            // A renewal of a port still held: the router did extend its lease.
            renewals += 1
            if granted.lease != .zero { _ = held.renew(granted, at: now, permanentRefresh: configuration.permanentRefresh) }
            return []
        }
        if granted.externalPort == configuration.fixedPort && configuration.keepsOwnPort
            && phase != .idle && claim == nil {
            return keep(lateFixedPort: granted, at: now)
        }
        return unanswered.contains(.port(granted.externalPort)) ? [] : [.unmap(externalPort: granted.externalPort)]
    }

    /// A claim ended (two claims met and both backed off, or a rival claimed in a higher
    /// term) while its request was with the router, and the router granted it. Only one
    /// host can hold the fixed port, so no rival has it: giving it back would leave the
    /// site without a representative for another round. It is kept, and the election
    /// hears that this camera holds it. The request that went out for the port before the
    /// claim is answered after this one; that answer is dropped (the phase is `mapped`
    /// by then), and its port given back here, once the router has answered it (exchanges
    /// are carried out in order), only if it forwards to this camera, unless it is the own
    /// port, which a representative keeps. Only where this camera can hold two ports: with
    /// one mapping per internal port the fixed one would be that mapping by then, and
    /// deleting the other port's would delete it.
    private mutating func keep(lateFixedPort granted: PortMapping, at now: Duration) -> [Action] {
        let asked = requestedPort
        hold(granted, at: now)
        guard unanswered.contains(.port(asked)), !held.ports.contains(asked) else { return [] }
        return [.giveBack(externalPort: asked, holder: configuration.internalAddress)]
    }

    /// The router granted `granted`: it is held from now, and renewed in time.
    private mutating func hold(_ granted: PortMapping, at now: Duration) {
        let lease = HeldPorts.Lease(granted, grantedAt: now)
        let fixed = configuration.fixedPort
        switch held {
        case .one(let own) where granted.externalPort == fixed && own.mapping.externalPort != fixed && configuration.keepsOwnPort:
            // Won the fixed port: the own port stays, asked for again at once on the fixed
            // port's short lease (see `advanceOwn`).
            held = .fixedAndOwn(fixed: lease, own: own, ownRenewal: now)
        case .fixedAndOwn(_, let own, let renewal) where granted.externalPort == fixed:
            held = .fixedAndOwn(fixed: lease, own: own, ownRenewal: renewal)
        default:
            held = .one(lease)
        }
        requestedPort = granted.externalPort
        if granted.externalPort == configuration.fixedPort { claim = nil }
        lastError = nil
        failures = 0
        phase = .mapped
        if granted.lease == .zero {
            nextStep = now + configuration.permanentRefresh
        } else {
            // The fixed port's lease is short, and losing it unseats the representative:
            // renewed at a third, so a renewal slowed by a lossy link, and another try
            // after it, still land before it runs out (a router that counts whole seconds
            // may end it up to a second early). Other ports at half. Timed from the
            // request, which the router's lease runs from: timed from a late answer (a
            // segment resent, a second connection), each renewal came later after the
            // router's idea of the lease than the last, until one came too late. The
            // lease is still held from the answer (`HeldPorts`): that errs the safe way.
            let asked = min(mainAskedAt ?? now, now)
            nextStep = max(now, asked + granted.lease / (granted.externalPort == configuration.fixedPort ? 3 : 2))
        }
    }

    /// Claiming: the predecessor's mapping may not have lapsed yet, so try again soon;
    /// past the deadline someone else really holds the fixed port, so go back to the range.
    private mutating func claimRefused(_ claim: Claim, at now: Duration) -> [Action] {
        if now < claim.deadline {
            phase = .waiting
            switch claim.refusal {
            case .lapsesBy(let lapses) where now < lapses - .seconds(1):
                nextStep = lapses - .seconds(1)
            case .lapsesBy, .untold:
                nextStep = now + configuration.lapsePoll
            case nil:
                nextStep = now + configuration.claimRetry
            }
            // The attempt that takes over a silent predecessor's mapping comes when due.
            if let takeOver = claim.takeOver { nextStep = min(nextStep!, max(takeOver.at, now)) }
            return []
        }
        claimFailures += 1
        self.claim = nil
        let back = claim.portBefore == configuration.fixedPort ? nextPort(after: configuration.fixedPort) : claim.portBefore
        return back.map { request($0, at: now) } ?? pause(retryingPort: configuration.fixedPort, at: now)
    }

    /// A renamed camera's mappings, made again under the new description: a router need
    /// not replace the description when a mapping is renewed (miniupnpd's nftables
    /// backend keeps the first), and a representative lists names from it. The main port
    /// only while mapped, with no claim and no request under way, so the port given back
    /// is this camera's own and is asked for again at once. A representative's kept own
    /// port after it, with no renewal of its own under way, on the own port's line: the
    /// fixed port is still unmapped for one delete and one add only, and is made first.
    private mutating func redescribe(at now: Duration) -> [Action] {
        // A port let go meanwhile needs nothing: whatever is mapped next carries the new name.
        describedStale.formIntersection(held.ports)
        guard !describedStale.isEmpty else { return [] }
        var actions: [Action] = []
        if let port = mapping?.externalPort, describedStale.contains(port),
           phase == .mapped, claim == nil, unanswered.isEmpty {
            describedStale.remove(port)
            actions = [.giveBack(externalPort: port, holder: configuration.internalAddress)] + request(port, at: now)
        }
        if case .fixedAndOwn(let fixed, let own, _) = held, describedStale.contains(own.mapping.externalPort),
           !unanswered.contains(.keptOwn(own.mapping.externalPort)) {
            let port = own.mapping.externalPort
            describedStale.remove(port)
            unanswered.append(.keptOwn(port))
            held = .fixedAndOwn(fixed: fixed, own: own, ownRenewal: now + .seconds(30))
            actions += [.giveBack(externalPort: port, holder: configuration.internalAddress), mapRequest(port, keptOwn: true)]
        }
        return actions
    }

    private mutating func request(_ port: Int, at now: Duration) -> [Action] {
        phase = .requesting
        requestedPort = port
        mainAskedAt = now
        unanswered.append(.port(port))
        // A request that is never answered still ends: the driver reports a failure, or this does.
        nextStep = now + .seconds(30)
        return [mapRequest(port)]
    }

    /// The internal port an external port's mapping forwards to.
    private func internalPort(for port: Int) -> Int {
        port == configuration.fixedPort ? configuration.fixedInternalPort : configuration.internalPort
    }

    /// `keptOwn`: the own port kept beside the fixed one, on the fixed port's lease.
    private func mapRequest(_ port: Int, keptOwn: Bool = false) -> Action {
        let fixed = port == configuration.fixedPort
        return .map(PortMappingRequest(
            externalPort: port, internalAddress: configuration.internalAddress,
            internalPort: internalPort(for: port),
            lease: permanentOnly ? .zero : (fixed || keptOwn ? fixedLease : configuration.lease),
            description: configuration.description))
    }

    // MARK: - The own port kept beside the fixed one

    /// Renews the kept own port when due, on its own schedule beside the fixed port's;
    /// drops it once its lease has run out unrenewed (the router has forgotten it).
    ///
    /// The kept port is leased as briefly as the fixed one: the directory lists a camera
    /// that fell silent for as long as the router still maps a port to it, so a
    /// representative that crashes must leave no mapping that outlives its fixed port's.
    private mutating func advanceOwn(to now: Duration) -> [Action] {
        guard case .fixedAndOwn(let fixed, let own, let renewal) = held else { return [] }
        if let expires = own.expires, now >= expires {
            held.dropOwn()
            return []
        }
        guard now >= renewal else { return [] }
        let port = own.mapping.externalPort
        // One renewal out at a time; one never answered (a driver that failed to report) is forgotten.
        unanswered.removeAll { $0 == .keptOwn(port) }
        unanswered.append(.keptOwn(port))
        held = .fixedAndOwn(fixed: fixed, own: own, ownRenewal: now + .seconds(30))
        return [mapRequest(port, keptOwn: true)]
    }

    /// The kept own port is asked for again at the next `advance`.
    private mutating func ownRenewalDue(at now: Duration) {
        if case .fixedAndOwn(let fixed, let own, _) = held { held = .fixedAndOwn(fixed: fixed, own: own, ownRenewal: now) }
    }

    /// The answer to a renewal of the own port. The port may have become the main one since
    /// (the representative stepped down), or be held no more (it left): a grant of a port
    /// not held is given back. Another port than asked (NAT-PMP's silent grant) means the
    /// own port is another host's now: that one is given back, and the own port let go.
    private mutating func ownRenewed(asked: Int, granted: PortMapping, at now: Duration) -> [Action] {
        if granted.externalPort == asked, held.renew(granted, at: now, permanentRefresh: configuration.permanentRefresh) {
            return []
        }
        if granted.externalPort != asked { held.dropOwn() }
        let wanted = held.ports.contains(granted.externalPort) || unanswered.contains(.port(granted.externalPort))
        return wanted ? [] : [.unmap(externalPort: granted.externalPort)]
    }

    /// A renewal of the own port failed: refused, it is another host's now and let go;
    /// else tried again soon while its lease runs, as a failed renewal of the main port is.
    private mutating func ownRenewalFailed(_ error: MappingError, at now: Duration) -> [Action] {
        guard case .fixedAndOwn(let fixed, let own, _) = held else { return [] }
        switch error.code {
        case .conflict, .notAuthorized:
            held.dropOwn()
        default:
            let left = own.expires.map { ($0 - now) / 3 } ?? configuration.retryDelay
            held = .fixedAndOwn(fixed: fixed, own: own,
                                ownRenewal: now + min(configuration.retryDelay, max(configuration.claimRetry, left)))
        }
        return []
    }

    private mutating func pause(retryingPort port: Int, at now: Duration) -> [Action] {
        failures += 1
        var delay = configuration.retryDelay
        for _ in 1..<min(failures, 16) where delay < configuration.maximumRetryDelay { delay = delay * 2 }
        requestedPort = port
        phase = mapping == nil ? .waiting : .mapped
        delay = min(delay, configuration.maximumRetryDelay)
        if mapping != nil, let expires = mappingExpires {
            // A renewal failed while the lease still runs: on a lossy link the next one
            // may well get through, so try again soon rather than let the lease lapse.
            delay = min(delay, max(configuration.claimRetry, (expires - now) / 3))
        }
        nextStep = now + delay
        return []
    }

    /// The fixed port, then the range in order, skipping the fixed port if it lies inside.
    private func nextPort(after port: Int) -> Int? {
        let ports = configuration.ports
        var next = port == configuration.fixedPort || !ports.contains(port) ? ports.lower : port + 1
        if next == configuration.fixedPort { next += 1 }
        return next <= ports.upper ? next : nil
    }
}
