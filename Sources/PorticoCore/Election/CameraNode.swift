/// One camera's whole protocol: registration with the router and the election among
/// peers, joined. Still pure: events and time in, actions out.
///
/// The joint is small but it is where the two meet: the election asks registration to
/// claim or release the fixed port; registration's outcome (fixed port held, lost, or a
/// claim that failed) becomes an election event; a new port becomes a `notice`. The
/// daemon runs this with real sockets and a real router, the simulation tests with
/// thousands of randomized networks, and both run exactly this code.
package struct CameraNode: Sendable {
    package private(set) var registration: Registration
    package private(set) var election: Election
    /// The router's table as last read (UPnP), for the directory; nil when unknown.
    package private(set) var routerTable: [PortMapping]?
    /// Peers not heard from for this long leave the directory, unless the router still lists them.
    package let ageOut: Duration
    /// Where cameras of the site have sent authenticated messages from: only a router
    /// entry at one of these is listed, unless `listsUnverified`.
    package private(set) var heard = HeardAddresses()
    /// Also list `portico:` entries of the router's table at addresses no camera of the
    /// site has spoken from, marked as unverified: for sites with cameras that take no
    /// part in the election. Any host on the LAN can add such an entry.
    package let listsUnverified: Bool

    private var heldFixedPort = false
    private var claimFailures = 0

    package enum Event: Sendable, Equatable {
        case start
        case backend(Registration.Event)
        case message(PeerMessage)
        case routerTable([PortMapping])
        case leave
        case rename(String)
        /// The board's LAN address changed (a DHCP renewal handed out another): the mapping
        /// moves to it, and peers learn it through a notice.
        case addressChanged(String)
    }

    package enum Action: Sendable, Equatable {
        case backend(Registration.Action)
        case send(PeerMessage.Kind)
    }

    package init(registration: Registration.Configuration, election: Election.Configuration, policy: any ElectionPolicy,
                me: CameraRecord, at now: Duration, listsUnverified: Bool = false) {
        self.registration = Registration(configuration: registration)
        self.election = Election(configuration: election, policy: policy, me: me, at: now)
        self.ageOut = election.inquiryInterval * (election.missed + 2)
        self.listsUnverified = listsUnverified
    }

    /// When `advance(to:)` next has something to do. Not registered, the election is not
    /// advanced (see there), so its own wakeup does not count: a camera waiting for the
    /// switch that heard the site would otherwise be due at every instant.
    package var wakeup: Duration {
        let times = [registration.wakeup, registration.phase == .idle ? nil : election.wakeup].compactMap { $0 }
        return times.min() ?? .seconds(1 << 40)
    }

    package mutating func handle(_ event: Event, at now: Duration) -> [Action] {
        switch event {
        case .start:
            return registered(registration.handle(.start, at: now), at: now)
        case .backend(let result):
            return registered(registration.handle(result, at: now), at: now)
        case .message(let message):
            if message.sender != election.configuration.id {
                heard.heard(message.sender, at: message.camera.internalAddress, now: now)
            }
            return elected(election.handle(.message(message), at: now), at: now)
        case .addressChanged(let address):
            return registered(registration.handle(.addressChanged(address), at: now), at: now)
        case .routerTable(let table):
            // A read asked for as representative and answered after stepping down is dropped.
            guard registration.holdsFixedPort else { return [] }
            routerTable = table
            // The representative reads the table once an inquiry interval: the fixed port
            // missing from it (or forwarding elsewhere) is asked for again now, not at the
            // renewal a third of a lease away, while the internet sees nothing on it.
            let fixed = registration.configuration.fixedPort
            guard election.role == .representative, registration.holdsFixedPort,
                  !table.contains(where: { $0.externalPort == fixed && $0.internalAddress == registration.configuration.internalAddress })
            else { return [] }
            return registered(registration.handle(.notListed(externalPort: fixed), at: now), at: now)
        case .leave:
            // Say bye, then give back whatever port is held; no going back to the range
            // as a representative that steps down would.
            var actions: [Action] = []
            for action in election.handle(.leave, at: now) {
                if case .send(let kind) = action { actions.append(.send(kind)) }
            }
            actions += registration.handle(.withdraw, at: now).map(Action.backend)
            heldFixedPort = false
            return actions
        case .rename(let name):
            var me = election.me
            me.name = name
            let remapped = registered(registration.handle(.renamed(description: MappingDescription.of(camera: name)), at: now), at: now)
            return remapped + elected(election.update(me: me), at: now)
        }
    }

    package mutating func advance(to now: Duration) -> [Action] {
        var actions = registered(registration.advance(to: now), at: now)
        // Not registered (waiting for the switch, or withdrawn): no part in elections.
        if registration.phase != .idle {
            actions += elected(election.advance(to: now), at: now)
        }
        // A silent camera leaves the directory once its mapping is gone too; without a
        // router table, silence alone decides.
        let stillMapped = Set((routerTable ?? []).filter { MappingDescription.cameraName(in: $0.description) != nil }.map(\.internalAddress))
        _ = election.forget(olderThan: ageOut, at: now, keeping: stillMapped)
        heard.forget(olderThan: ageOut, at: now, keeping: stillMapped)
        return actions
    }

    /// Registration moved: tell the election what changed about the fixed port and our port.
    private mutating func registered(_ actions: [Registration.Action], at now: Duration) -> [Action] {
        var out = actions.map(Action.backend)
        let holds = registration.holdsFixedPort
        if holds != heldFixedPort {
            heldFixedPort = holds
            // Only the representative reads the table: one read in an earlier term would
            // list cameras long gone (the representative before it, on the fixed port) in a
            // later one until the first new read came back.
            routerTable = nil
            out += elected(election.handle(holds ? .fixedPortHeld : .fixedPortLost, at: now), at: now)
        }
        if registration.claimFailures != claimFailures {
            claimFailures = registration.claimFailures
            out += elected(election.handle(.fixedPortLost, at: now), at: now)
        }
        var me = election.me
        me.externalPort = registration.mapping?.externalPort
        me.internalAddress = registration.configuration.internalAddress
        out += elected(election.update(me: me), at: now)
        return out
    }

    /// The election decided: pass port claims to registration, messages out.
    private mutating func elected(_ actions: [Election.Action], at now: Duration) -> [Action] {
        var out: [Action] = []
        for action in actions {
            switch action {
            case .send(let kind):
                out.append(.send(kind))
            case .claimFixedPort:
                out += registered(registration.handle(
                    .claimFixedPort(predecessor: election.predecessorAddress, predecessorLeft: election.predecessorLeft), at: now), at: now)
            case .releaseFixedPort:
                out += registered(registration.handle(.releaseFixedPort, at: now), at: now)
            case .forgoTakeOver:
                out += registered(registration.handle(.forgoTakeOver, at: now), at: now)
            }
        }
        return out
    }

    /// Every camera the representative lists: itself, each peer heard from, and each
    /// `portico:` mapping in the router's table at an address a camera of the site has
    /// spoken from (one that fell silent, or whose report was lost), by port. With
    /// `listsUnverified`, the table's other `portico:` mappings too (see `isVerified`).
    package func directory() -> [CameraRecord] {
        var records = [election.me]
        records += election.peers.values.map(\.record)
        for mapping in routerTable ?? [] {
            guard let name = MappingDescription.cameraName(in: mapping.description) else { continue }
            guard !records.contains(where: { $0.internalAddress == mapping.internalAddress }) else { continue }
            guard listsUnverified || heard.contains(mapping.internalAddress) else { continue }
            records.append(CameraRecord(
                name: name, internalAddress: mapping.internalAddress,
                internalPort: mapping.internalPort, externalPort: mapping.externalPort, serverValue: ""))
        }
        var seen = Set<String>()
        return records.filter { $0.externalPort != nil && seen.insert($0.internalAddress).inserted }
            .sorted { ($0.externalPort ?? 0) < ($1.externalPort ?? 0) }
    }

    /// Whether a record of `directory()` is this camera or at an address a camera of the
    /// site has sent an authenticated message from; only `listsUnverified` lists others.
    package func isVerified(_ record: CameraRecord) -> Bool {
        record.internalAddress == election.me.internalAddress || heard.contains(record.internalAddress)
            || election.peers.values.contains { $0.record.internalAddress == record.internalAddress }
    }
}
