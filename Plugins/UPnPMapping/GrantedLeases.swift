import PorticoCore
import Synchronization

/// The leases the router granted this camera's requests, by external port: what tells a
/// renewal with time to spare from a request a failover waits for.
///
/// A renewal comes halfway into a lease, so the router goes on forwarding for seconds
/// (a representative's own port kept beside the fixed one) or minutes (a member's port)
/// whatever the renewal's exchange does, and it needs no more than to arrive before
/// then. Hurried like a claim (two connections at once where the link lost packets
/// lately, see `HedgePacing`), each such renewal cost the router two connections at 20%
/// loss. A request for a port not held, for one whose lease is about to end (the fixed
/// port's, renewed a third into a lease of seconds, always is), to forward to another
/// address, or granted before the router restarted (and forgot it), is hurried as before.
struct GrantedLeases: Sendable {
    /// Left of a lease below which its renewal is hurried: one exchange's slowest usual
    /// time at 20% loss, with a SYN lost (TCP resends it after a second).
    static let spare: Duration = .seconds(1)
    /// Routers count leases in whole seconds from when they read the request, so a lease
    /// may end up to a second before the time asked for.
    static let rounding: Duration = .seconds(1)

    private struct Grant: Sendable {
        let internalAddress: String
        let internalPort: Int
        /// The router's `routerGeneration` then.
        let generation: Int
        /// Nil: permanent.
        let until: ContinuousClock.Instant?
    }
    private var grants: [Int: Grant] = [:]
    /// The ports with a grant on record.
    var count: Int { grants.count }

    /// Whether `request` renews a lease granted to the same address and port by the router
    /// as it is now (`generation`) that still runs more than `spare` from `now`.
    func renewsWithTimeToSpare(_ request: PortMappingRequest, generation: Int, at now: ContinuousClock.Instant) -> Bool {
        guard let grant = grants[request.externalPort], grant.internalAddress == request.internalAddress,
              grant.internalPort == request.internalPort, grant.generation == generation else { return false }
        guard let until = grant.until else { return true }
        return until - now > Self.spare
    }

    /// The router accepted `request`, sent at `asked`: its lease runs from then at the
    /// earliest, less the router's rounding.
    mutating func granted(_ request: PortMappingRequest, generation: Int, askedAt asked: ContinuousClock.Instant) {
        // Ports let go without an unmap (a claim's port given back by another path) leave
        // entries behind: the lapsed ones go, so the table holds what is mapped now.
        grants = grants.filter { $0.value.until.map { $0 > asked } ?? true }
        grants[request.externalPort] = Grant(
            internalAddress: request.internalAddress, internalPort: request.internalPort, generation: generation,
            until: request.lease == .zero ? nil : asked + request.lease - Self.rounding)
    }

    /// The mapping of `port` was deleted, or may have been.
    mutating func removed(_ port: Int) {
        grants[port] = nil
    }
}

extension GrantedLeases {
    /// The backend's one book, shared by its copies (a `MappingBackend` is a value).
    final class Shared: Sendable {
        private let book = Mutex(GrantedLeases())

        func withLock<T>(_ body: (inout GrantedLeases) -> T) -> T {
            book.withLock { body(&$0) }
        }
    }
}
