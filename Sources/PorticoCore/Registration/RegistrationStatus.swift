/// The outcome of registration, as `/state` shows it.
package struct RegistrationStatus: Sendable, Equatable, Codable {
    package var phase: Registration.Phase
    package var externalAddress: String?
    package var externalPort: Int?
    /// The LAN address the mapping forwards to: the board's, followed when it changes.
    /// Nil in what a viewer on the internet gets (`seen(from:)`).
    package var internalAddress: String?
    /// Holds the fixed port: this camera is the representative candidate.
    package var holdsFixedPort: Bool
    /// Where the internet reaches this camera, once mapped and the address is known.
    package var externalURL: String?
    /// The representative's own port, kept beside the fixed one so that links to it stay valid.
    package var ownPort: Int?
    package var addressKind: ExternalAddress.Kind?
    /// The router's external address is private, CGNAT or reserved: the URL may not work from the internet.
    package var behindAnotherNAT: Bool
    package var lastError: String?
    package var addressChanges: Int
    /// Times registration was started while not registered.
    package var starts: Int
    /// Times the router extended the lease of the port held, since start.
    package var renewals: Int

    enum CodingKeys: String, CodingKey {
        case phase
        case externalAddress = "external_address"
        case externalPort = "external_port"
        case internalAddress = "internal_address"
        case holdsFixedPort = "holds_fixed_port"
        case externalURL = "external_url"
        case ownPort = "own_port"
        case addressKind = "address_kind"
        case behindAnotherNAT = "behind_another_nat"
        case lastError = "last_error"
        case addressChanges = "address_changes"
        case starts
        case renewals
    }
}
