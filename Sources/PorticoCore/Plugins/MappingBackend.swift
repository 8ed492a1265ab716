/// A way to ask the NAT router for a port mapping: UPnP IGD or NAT-PMP.
///
/// Backends translate the router's protocol into these calls and its failures into
/// `MappingError`; the registration state machine decides what to ask for and when.
/// Calls may block on the network for up to the profile's `[mapping] timeout`; a
/// backend runs its C library off the concurrency pool.
package protocol MappingBackend: Sendable {
    /// Whether the router's mapping table can be read (UPnP can, NAT-PMP cannot); without
    /// it the directory is built from peer reports alone.
    var canListMappings: Bool { get }

    /// Whether the router keeps several mappings for one host and internal port (UPnP
    /// does; NAT-PMP keeps one per internal port, so a new one replaces the old).
    var keepsSeveralMappingsPerHost: Bool { get }

    /// Counts the router restarts the backend has noticed (a new UPnP `BOOTID.UPNP.ORG`,
    /// a NAT-PMP epoch that went backwards). Registration re-maps when it changes.
    var routerGeneration: Int { get }

    func externalAddress() async throws(MappingError) -> String

    /// Asks for `request`; the answer is the mapping the router really granted, which
    /// may name another external port (NAT-PMP grants a free one silently).
    func map(_ request: PortMappingRequest) async throws(MappingError) -> PortMapping

    func unmap(externalPort: Int) async throws(MappingError)

    /// The router's whole table; only called when `canListMappings` is true.
    func mappings() async throws(MappingError) -> [PortMapping]

    /// The mapping of one external port, nil when there is none; only called when
    /// `canListMappings` is true. By default read from the whole table.
    func mapping(externalPort: Int) async throws(MappingError) -> PortMapping?
}

extension MappingBackend {
    /// By default no: the safe assumption, a port given up before another is asked for.
    package var keepsSeveralMappingsPerHost: Bool { false }

    package func mapping(externalPort: Int) async throws(MappingError) -> PortMapping? {
        try await mappings().first { $0.externalPort == externalPort }
    }
}

package struct PortMappingRequest: Sendable, Equatable {
    package var externalPort: Int
    /// This camera's LAN address, where the router forwards to.
    package var internalAddress: String
    package var internalPort: Int
    /// Zero asks for a permanent mapping.
    package var lease: Duration
    /// `portico:<camera name>`, how the representative recognises cameras in the router's table.
    package var description: String

    package init(externalPort: Int, internalAddress: String, internalPort: Int, lease: Duration, description: String) {
        self.externalPort = externalPort
        self.internalAddress = internalAddress
        self.internalPort = internalPort
        self.lease = lease
        self.description = description
    }
}

/// One TCP port forwarding on the router.
package struct PortMapping: Sendable, Equatable, Codable {
    package var externalPort: Int
    package var internalAddress: String
    package var internalPort: Int
    /// Zero for a permanent mapping.
    package var lease: Duration
    package var description: String

    package init(externalPort: Int, internalAddress: String, internalPort: Int, lease: Duration, description: String) {
        self.externalPort = externalPort
        self.internalAddress = internalAddress
        self.internalPort = internalPort
        self.lease = lease
        self.description = description
    }
}
