/// What a camera holds on the router, each port with the time its lease runs out.
///
/// A representative that was a member before keeps the port it had then beside the
/// fixed one: links to `http://<external>:<that port>/` were handed out (bookmarks,
/// the directory as viewers last loaded it) and must not go dead because the camera
/// moved up. The two leases are renewed on their own schedules (both as short as the
/// fixed port's, so a crash leaves nothing mapped for long), and both end together
/// when the camera leaves; so they are one value, and no state can hold the own port
/// without the fixed one beside it.
package enum HeldPorts: Sendable, Equatable {
    case nothing
    /// One port: the fixed one, or one of the range (also while that camera claims the
    /// fixed port, where it can hold two).
    case one(Lease)
    /// The fixed port, and the port held before the claim that won it; the own port is
    /// asked for again at `ownRenewal`.
    case fixedAndOwn(fixed: Lease, own: Lease, ownRenewal: Duration)

    package struct Lease: Sendable, Equatable {
        package var mapping: PortMapping
        /// Nil for a permanent mapping (lease 0).
        package var expires: Duration?

        package init(_ mapping: PortMapping, grantedAt now: Duration) {
            self.mapping = mapping
            self.expires = mapping.lease == .zero ? nil : now + mapping.lease
        }
    }

    /// The port the election and the status go by: the fixed one where held.
    package var main: Lease? {
        switch self {
        case .nothing: nil
        case .one(let lease): lease
        case .fixedAndOwn(let fixed, _, _): fixed
        }
    }

    /// The own port kept beside the fixed one, if any.
    package var own: Lease? {
        if case .fixedAndOwn(_, let own, _) = self { return own }
        return nil
    }

    /// Every external port held, the fixed one first: the order they are given back in.
    package var ports: [Int] {
        switch self {
        case .nothing: []
        case .one(let lease): [lease.mapping.externalPort]
        case .fixedAndOwn(let fixed, let own, _): [fixed.mapping.externalPort, own.mapping.externalPort]
        }
    }

    /// Lets go of the main port: a kept own port becomes the one held.
    mutating func dropMain() {
        switch self {
        case .nothing, .one: self = .nothing
        case .fixedAndOwn(_, let own, _): self = .one(own)
        }
    }

    /// Lets go of the own port kept beside the fixed one.
    mutating func dropOwn() {
        if case .fixedAndOwn(let fixed, _, _) = self { self = .one(fixed) }
    }

    /// Extends the lease of `granted`'s port, if it is one held; whether it was.
    mutating func renew(_ granted: PortMapping, at now: Duration, permanentRefresh: Duration) -> Bool {
        let lease = Lease(granted, grantedAt: now)
        switch self {
        case .one(let held) where held.mapping.externalPort == granted.externalPort:
            self = .one(lease)
        case .fixedAndOwn(let fixed, let own, let due) where fixed.mapping.externalPort == granted.externalPort:
            self = .fixedAndOwn(fixed: lease, own: own, ownRenewal: due)
        case .fixedAndOwn(let fixed, let own, _) where own.mapping.externalPort == granted.externalPort:
            self = .fixedAndOwn(fixed: fixed, own: lease, ownRenewal: Self.renewal(of: lease, at: now, permanentRefresh: permanentRefresh))
        default:
            return false
        }
        return true
    }

    /// When a kept own port is asked for again: at half its lease, as before it was kept.
    static func renewal(of lease: Lease, at now: Duration, permanentRefresh: Duration) -> Duration {
        guard let expires = lease.expires else { return now + permanentRefresh }
        return max(now, expires - lease.mapping.lease / 2)
    }
}
