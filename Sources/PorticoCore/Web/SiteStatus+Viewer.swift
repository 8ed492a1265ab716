extension SiteStatus {
    /// The site as a viewer at `place` gets it (page, `/directory.json`, the "all
    /// cameras" link): on the LAN every link goes to the camera's LAN address and port;
    /// on the internet to the router's external address, and no LAN address is left in it.
    package func seen(from place: ViewerPlace) -> SiteStatus {
        var seen = self
        seen.directory.cameras = directory.cameras.map { $0.seen(from: place) }
        return seen
    }
}

extension Directory.Entry {
    package func seen(from place: ViewerPlace) -> Directory.Entry {
        var seen = self
        switch place {
        case .lan:
            if let address = internal_address, let port = internal_port {
                seen.url = "http://\(address):\(port)/"
            }
        case .internet:
            seen.internal_address = nil
            seen.internal_port = nil
        }
        return seen
    }
}
