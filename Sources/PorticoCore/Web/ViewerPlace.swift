/// Where a viewer is, as far as links go: on the camera's own LAN, or anywhere else.
///
/// Most home routers do not loop traffic from the LAN back to their own external
/// address, so a viewer at home must be sent to each camera's LAN address and port;
/// a viewer on the internet must be sent to the router's external address and must not
/// learn the LAN's addresses at all. The camera decides this per request, from the
/// client's address alone:
///
/// - loopback (127.0.0.0/8, ::1) and an IPv4 address inside the subnet of the camera's
///   LAN interface (`[mapping] interface`), also written IPv4-mapped (`::ffff:a.b.c.d`),
///   are the LAN;
/// - everything else is the internet: other IPv6 addresses, any address while the
///   interface has no IPv4 address, an address that does not parse. When in doubt the
///   answer reveals nothing; a LAN viewer taken for an internet one only gets external
///   links, which work wherever the router loops back.
package enum ViewerPlace: String, Sendable, Equatable {
    case lan
    case internet

    package static func of(client: String?, subnet: IPv4Subnet?) -> ViewerPlace {
        guard var address = client?.lowercased() else { return .internet }
        if address == "::1" { return .lan }
        if address.hasPrefix("::ffff:") { address.removeFirst("::ffff:".count) }
        guard let word = IPv4Subnet.parse(address) else { return .internet }
        if word >> 24 == 127 { return .lan }
        return subnet?.contains(address) == true ? .lan : .internet
    }
}
