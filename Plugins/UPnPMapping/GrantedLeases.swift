import PorticoCore
import Synchronization

/// The leases the router granted this camera's requests, by external port: what tells
/// how urgent a request is (`HedgePacing.Urgency`).
///
/// A renewal comes well before its lease ends, so the router goes on forwarding
/// whatever the renewal's exchange does, and the renewal needs no more than to arrive
/// before then. Hurried like a claim (two connections at once where the link lost
/// packets lately), each cost the router two connections at 20% loss. What is left of
/// the lease says how long it may take: seconds or minutes for a member's port and a
/// representative's own port kept beside the fixed one, a second or so for the fixed
/// port's short lease, renewed a third into it. A request for a port not held, whose
/// lease has ended, to forward to another address, or granted before the router
/// restarted (and forgot it), is what a failover waits for.
struct GrantedLeases: Sendable {
    /// Left of a lease below which its renewal is before the lease's end: one exchange's
    /// slowest usual time at 20% loss, with a SYN lost (TCP resends it after a second).
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

    /// How urgent `request` is: a renewal of a lease granted to the same address and port
    /// by the router as it is now (`generation`) is before its end, or, with more than
    /// `spare` left of it at `now`, before nothing soon.
    func urgency(of request: PortMappingRequest, generation: Int, at now: ContinuousClock.Instant) -> HedgePacing.Urgency {
        guard let grant = grants[request.externalPort], grant.internalAddress == request.internalAddress,
              grant.internalPort == request.internalPort, grant.generation == generation else { return .failover }
        guard let until = grant.until else { return .nothingSoon }
        if until - now > Self.spare { return .nothingSoon }
        return until > now ? .leaseEnd : .failover
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
