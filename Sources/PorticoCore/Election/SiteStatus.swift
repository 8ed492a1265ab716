/// The camera's place in its site, as `/state` and `/directory.json` show it.
public struct SiteStatus: Sendable, Equatable, Codable {
    public var role: Election.Role
    public var term: UInt64
    /// The representative's name, when one is known.
    public var representative: String?
    /// Datagrams dropped since start, by reason (forged, replayed, truncated, …).
    public var dropped: [String: Int]
    public var directory: Directory
}

/// Every camera of the site, each linked at the router's external address.
public struct Directory: Sendable, Equatable, Codable {
    public struct Entry: Sendable, Equatable, Codable {
        public var name: String
        /// Where a viewer opens the camera: `http://<external address>:<port>/`, nil until
        /// the external address is known; for a viewer on the LAN, `http://<internal
        /// address>:<internal port>/` (see `seen(from:)`).
        public var url: String?
        /// The camera's LAN address and HTTP port; absent from what an internet viewer gets.
        public var internal_address: String?
        public var internal_port: Int?
        public var external_port: Int
        public var representative: Bool
        /// False for an entry of the router's table at an address no camera of the site
        /// has spoken from, listed only with `[election] list_unverified`.
        public var verified: Bool
    }

    public var external_address: String?
    public var cameras: [Entry]

    public init(external_address: String?, cameras: [Entry]) {
        self.external_address = external_address
        self.cameras = cameras
    }

    /// The representative's entry, as this camera last heard it: where "all cameras" is.
    public var representative: Entry? { cameras.first { $0.representative } }
}
