/// A way to ask the NAT router for a port mapping: UPnP IGD or NAT-PMP.
///
/// Backends translate the router's protocol into these calls and its failures into
/// `MappingError`; the registration state machine decides what to ask for and when.
public protocol MappingBackend: Sendable {
    /// Whether the router's mapping table can be read (UPnP can, NAT-PMP cannot); without
    /// it the directory is built from peer reports alone.
    var canListMappings: Bool { get }

    func externalAddress() async throws -> String

    /// Asks for `request`; the answer is the mapping the router really granted, which
    /// may name another external port (NAT-PMP grants a free one silently).
    func map(_ request: PortMappingRequest) async throws -> PortMapping

    func unmap(externalPort: Int) async throws

    /// The router's whole table; only called when `canListMappings` is true.
    func mappings() async throws -> [PortMapping]
}

public struct PortMappingRequest: Sendable, Equatable {
    public var externalPort: Int
    public var internalAddress: String
    public var internalPort: Int
    public var lease: Duration
    /// `portico:<camera name>`, how the representative recognises cameras in the router's table.
    public var description: String

    public init(externalPort: Int, internalAddress: String, internalPort: Int, lease: Duration, description: String) {
        self.externalPort = externalPort
        self.internalAddress = internalAddress
        self.internalPort = internalPort
        self.lease = lease
        self.description = description
    }
}

public struct PortMapping: Sendable, Equatable {
    public var externalPort: Int
    public var internalAddress: String
    public var internalPort: Int
    /// Zero for a permanent mapping.
    public var lease: Duration
    public var description: String

    public init(externalPort: Int, internalAddress: String, internalPort: Int, lease: Duration, description: String) {
        self.externalPort = externalPort
        self.internalAddress = internalAddress
        self.internalPort = internalPort
        self.lease = lease
        self.description = description
    }
}
