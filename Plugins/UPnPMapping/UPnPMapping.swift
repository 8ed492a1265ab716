import Logging
import PorticoCore

/// Port mappings through the router's UPnP Internet Gateway Device, with libupnp.
///
/// Nothing happens on the network until the first call: the gateway is found then (SSDP
/// on `[mapping] interface`), kept for later calls, and searched for again when it stops
/// answering. Every exchange is bounded by `[mapping] timeout`.
package struct UPnPMapping: MappingBackend {
    let connection: GatewayConnection
    private let leases = GrantedLeases.Shared()

    /// The most entries `mappings()` reads: the table is read one index at a time until the
    /// router says there are no more, and a broken router might never say so.
    static let maximumEntries = 1024

    package init(settings: MappingSettings, logger: Logger = Logger(label: "portico.mapping.upnp")) {
        connection = GatewayConnection(settings: settings, logger: logger)
    }

    /// The plugin entry for the registry: `[mapping] backend = "upnp"`, no keys of its own.
    package static let plugin = Plugin<MappingSettings, any MappingBackend>(
        name: "upnp",
        summary: "UPnP IGD (IGD:1/2, WANIPConnection:1/2, WANPPPConnection:1) over libupnp"
    ) { _, settings in
        UPnPMapping(settings: settings)
    }

    package var canListMappings: Bool { true }

    /// Each external port is its own entry, whatever it forwards to.
    package var keepsSeveralMappingsPerHost: Bool { true }

    package var routerGeneration: Int { connection.generation }

    package func externalAddress() async throws(MappingError) -> String {
        let reply = try await connection.perform(IGDActions.getExternalIPAddress, urgent: false)
        return try IGDActions.externalAddress(from: reply)
    }

    package func map(_ request: PortMappingRequest) async throws(MappingError) -> PortMapping {
        let asked = ContinuousClock.now
        let generation = connection.generation
        let urgent = !leases.withLock { $0.renewsWithTimeToSpare(request, generation: generation, at: asked) }
        do throws(MappingError) {
            _ = try await connection.perform(IGDActions.addPortMapping(request), urgent: urgent)
        } catch {
            // Refused: another host may hold the port now. Unanswered: the lease runs on as
            // it did, and the next attempt is hurried once too little of it is left.
            if error.code != .unreachable { leases.withLock { $0.removed(request.externalPort) } }
            throw error
        }
        leases.withLock { $0.granted(request, generation: generation, askedAt: asked) }
        let made = PortMapping(
            externalPort: request.externalPort, internalAddress: request.internalAddress, internalPort: request.internalPort,
            lease: .seconds(IGDActions.leaseSeconds(request.lease)), description: request.description)
        // A timed lease that AddPortMapping accepted is the lease asked for: IGD:2 changes
        // only a permanent one (into a week) and leases over a week. Only then is the entry
        // read back; not reading it otherwise keeps a claim of the fixed port one exchange
        // short, which on a lossy LAN is most of the failover time. If reading fails, the
        // mapping was still made as asked.
        guard request.lease == .zero || request.lease > .seconds(604_800) else { return made }
        let entry: PortMapping?
        do {
            entry = try await mapping(externalPort: request.externalPort)
        } catch {
            connection.logger.debug("mapping made, but not readable back", metadata: ["port": "\(request.externalPort)", "error": "\(error)"])
            return made
        }
        guard let entry else { return made }
        guard entry.internalAddress == request.internalAddress, entry.internalPort == request.internalPort else {
            throw MappingError(.conflict, message: "the router accepted port \(request.externalPort) but forwards it to \(entry.internalAddress):\(entry.internalPort)")
        }
        return entry
    }

    /// One entry, by GetSpecificPortMappingEntry: one exchange, not a walk of the table.
    package func mapping(externalPort: Int) async throws(MappingError) -> PortMapping? {
        do throws(MappingError) {
            let reply = try await connection.perform(IGDActions.getSpecificPortMappingEntry(externalPort: externalPort))
            return try IGDActions.portMapping(from: reply, externalPort: externalPort)
        } catch where error.routerCode == 714 {
            return nil
        }
    }

    /// A mapping that is already gone counts as removed.
    package func unmap(externalPort: Int) async throws(MappingError) {
        leases.withLock { $0.removed(externalPort) }
        do throws(MappingError) {
            _ = try await connection.perform(IGDActions.deletePortMapping(externalPort: externalPort))
        } catch where error.routerCode == 714 {
            return
        }
    }

    /// The router's TCP mappings. Entries are read by index, and indexes shift when the
    /// table changes meanwhile, so a port is listed once even if read twice.
    package func mappings() async throws(MappingError) -> [PortMapping] {
        var entries: [PortMapping] = []
        var ports: Set<Int> = []
        for index in 0..<Self.maximumEntries {
            let reply: SOAPReply
            do throws(MappingError) {
                reply = try await connection.perform(IGDActions.getGenericPortMappingEntry(index: index), urgent: false)
            } catch where error.routerCode == 713 || error.routerCode == 714 {
                // 713 SpecifiedArrayIndexInvalid is how the table ends; some routers say 714.
                return entries
            }
            if let entry = try IGDActions.portMapping(from: reply), ports.insert(entry.externalPort).inserted {
                entries.append(entry)
            }
        }
        connection.logger.warning("the router's table did not end; reading stopped", metadata: ["entries": "\(Self.maximumEntries)"])
        return entries
    }
}
