/// The camera's place in its site, as `/state` and `/directory.json` show it.
package struct SiteStatus: Sendable, Equatable, Codable {
    package var role: Election.Role
    package var term: UInt64
    /// The representative's name, when one is known.
    package var representative: String?
    /// Datagrams dropped since start, by reason (forged, replayed, truncated, …).
    package var dropped: [String: Int]
    package var directory: Directory
}

/// Every camera of the site, each linked at the router's external address.
package struct Directory: Sendable, Equatable, Codable {
    package struct Entry: Sendable, Equatable, Codable {
        package var name: String
        /// Where a viewer opens the camera: `http://<external address>:<port>/`, nil until
        /// the external address is known; for a viewer on the LAN, `http://<internal
        /// address>:<internal port>/` (see `seen(from:)`).
        package var url: String?
        /// The camera's LAN address and HTTP port; absent from what an internet viewer gets.
        package var internal_address: String?
        package var internal_port: Int?
        package var external_port: Int
        package var representative: Bool
        /// False for an entry of the router's table at an address no camera of the site
        /// has spoken from, listed only with `[election] list_unverified`.
        package var verified: Bool
    }

    package var external_address: String?
    package var cameras: [Entry]

    package init(external_address: String?, cameras: [Entry]) {
        self.external_address = external_address
        self.cameras = cameras
    }

    /// The representative's entry, as this camera last heard it: where "all cameras" is.
    package var representative: Entry? { cameras.first { $0.representative } }
}
