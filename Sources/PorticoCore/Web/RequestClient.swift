/// Who sent a request, and whether it crossed the network encrypted: the connection's
/// peer, or, when that peer is the TLS proxy the profile names (`[http] tls_proxy`),
/// the client and scheme the proxy reports.
///
/// A reverse proxy that terminates HTTPS in front of the camera (nginx, caddy) makes
/// every request arrive from its own address over plain HTTP. Taken as it arrives, a
/// proxy on the LAN would make every internet visitor a LAN viewer (LAN links, LAN
/// addresses, administration under `admin_from = "lan"`) and one rationed client for
/// the login throttle, and the browser's `https://` Origin would never match. So the
/// proxy's word is taken, but only the proxy's: from any other peer `X-Forwarded-For`
/// and `X-Forwarded-Proto` are ignored, since any client can send them.
///
/// Of `X-Forwarded-For` only the last address counts: the one the proxy appended (the
/// peer it saw). Those before it came from the client and prove nothing. A proxy
/// that sends none leaves the client unknown, which counts as the internet.
package struct RequestClient: Sendable, Equatable {
    package enum Scheme: String, Sendable {
        case http
        case https
    }

    /// The client's address; nil when the proxy did not say (or the socket has none).
    package var address: String?
    /// How the browser reached the camera: `https` only through the TLS proxy.
    package var scheme: Scheme
    /// Whether the request came through the configured TLS proxy.
    package var viaProxy: Bool

    /// A client that connected directly.
    package init(peer: String?) {
        address = peer
        scheme = .http
        viaProxy = false
    }

    /// `forwardedFor` and `forwardedProto` are every value of those headers, in order.
    package init(peer: String?, proxy: String?, forwardedFor: [String], forwardedProto: [String]) {
        guard let proxy, let peer, Self.sameAddress(peer, proxy) else {
            self = RequestClient(peer: peer)
            return
        }
        let last = forwardedFor.flatMap { $0.split(separator: ",") }.last.map { $0.trimmingBlanks() }
        // An address is at most 45 characters (IPv6 with an IPv4 tail); anything else is no address.
        address = last.flatMap { $0.isEmpty || $0.utf8.count > 45 ? nil : String($0) }
        let proto = forwardedProto.flatMap { $0.split(separator: ",") }.last.map { $0.trimmingBlanks().lowercased() }
        scheme = proto == "https" ? .https : .http
        viaProxy = true
    }

    /// `::ffff:a.b.c.d` is the peer `a.b.c.d` on a dual-stack socket; the profile's
    /// `tls_proxy` is a dotted quad.
    static func sameAddress(_ peer: String, _ proxy: String) -> Bool {
        guard let proxy = IPv4Subnet.parse(proxy) else { return false }
        return IPv4Subnet.address(peer) == proxy
    }
}
