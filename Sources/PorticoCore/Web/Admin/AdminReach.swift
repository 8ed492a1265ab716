/// From where the camera may be administered (`[http] admin_from`): by default only
/// from its own LAN, because without TLS a password or session cookie sent from the
/// internet crosses it in clear text, readable by anyone on the way.
///
/// "The LAN" is loopback and the IPv4 subnets of the camera's interface, read at each
/// decision: a DHCP renewal may move the board to another subnet while it runs.
package struct AdminReach: Sendable {
    package let from: HTTPSettings.AdminFrom
    /// The subnets that count as the LAN, loopback included where it should count.
    package let lan: @Sendable () -> [IPv4Subnet]

    package init(from: HTTPSettings.AdminFrom, lan: @escaping @Sendable () -> [IPv4Subnet]) {
        self.from = from
        self.lan = lan
    }

    /// Anywhere: for tests and boards that set `admin_from = "anywhere"`.
    package static let anywhere = AdminReach(from: .anywhere, lan: { [] })

    /// Loopback and `interface`'s subnets; without an interface (a board with no
    /// `[mapping]`), the subnets of every interface: each is a network the board sits on.
    package static func lan(of interface: String?, from: HTTPSettings.AdminFrom) -> AdminReach {
        AdminReach(from: from, lan: {
            [IPv4Subnet.loopback] + (interface.map(NetworkInterface.ipv4Subnets(of:)) ?? NetworkInterface.ipv4Subnets())
        })
    }

    /// Whether `client` may log in and change the camera.
    package func admits(_ client: RequestClient) -> Bool {
        switch from {
        case .anywhere: true
        case .lan: onLAN(client.address)
        // The scheme is the proxy's word, and only the configured proxy's (`RequestClient`).
        case .lanOrTLS: onLAN(client.address) || (client.viaProxy && client.scheme == .https)
        }
    }

    /// Whether a client that connected directly from `address` may.
    package func admits(_ address: String?) -> Bool {
        admits(RequestClient(peer: address))
    }

    private func onLAN(_ address: String?) -> Bool {
        guard let address else { return false }
        return lan().contains { $0.contains(address) }
    }

    /// What a refused client is told.
    package static let refusal = """
        administration is allowed only from this camera's LAN; to allow it from anywhere, set \
        [http] admin_from = "anywhere" in the profile (without TLS the password and the session \
        cookie then cross the internet in clear text), or put an HTTPS proxy in front and set \
        admin_from = "lan-or-tls" and tls_proxy

        """
}
