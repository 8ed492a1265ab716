import PorticoCore

/// One control action as bytes on the wire: the HTTP POST of its SOAP envelope to the
/// service's control URL.
///
/// The control URL must name the router by its IPv4 address, as every IGD's description
/// does: a camera resolves no names to reach its own router.
struct ControlRequest: Sendable, Equatable {
    let action: String
    let host: String
    let port: UInt16
    let bytes: [UInt8]

    init(_ action: SOAPAction, to service: WANConnectionService) throws(MappingError) {
        let url = service.controlURL
        guard url.lowercased().hasPrefix("http://") else {
            throw MappingError(.malformedReply, message: "the gateway's control URL '\(url.prefix(80))' is not http://")
        }
        let rest = url.dropFirst("http://".count)
        let authority = rest.prefix { $0 != "/" && $0 != "?" }
        let path = rest.dropFirst(authority.count)
        let hostText: Substring
        var port: UInt16 = 80
        if let colon = authority.lastIndex(of: ":") {
            hostText = authority[..<colon]
            guard let number = UInt16(authority[authority.index(after: colon)...]), number > 0 else {
                throw MappingError(.malformedReply, message: "the gateway's control URL '\(url.prefix(80))' has no valid port")
            }
            port = number
        } else {
            hostText = authority
        }
        guard IPv4.isDottedQuad(String(hostText)) else {
            throw MappingError(.malformedReply, message: "the gateway's control URL '\(url.prefix(80))' names no IPv4 address")
        }
        self.action = action.name
        self.host = String(hostText)
        self.port = port
        let body = Array(action.envelope(serviceType: service.serviceType).utf8)
        let head = "POST \(path.isEmpty ? "/" : String(path)) HTTP/1.1\r\n"
            + "Host: \(authority)\r\n"
            + "Content-Type: text/xml; charset=\"utf-8\"\r\n"
            + "SOAPAction: \"\(service.serviceType)#\(action.name)\"\r\n"
            + "Content-Length: \(body.count)\r\n"
            + "Connection: close\r\n"
            + "\r\n"
        self.bytes = Array(head.utf8) + body
    }
}
