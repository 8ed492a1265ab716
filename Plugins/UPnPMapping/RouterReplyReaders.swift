import PorticoCore

/// The readers of what a router sends, as one narrow door for code outside the plugin:
/// the fuzz harnesses and their regression tests feed them bytes exactly as a router (or
/// anything on the LAN answering discovery) would, and get back what the plugin acts on.
/// The readers themselves stay internal; nothing here is used by the camera.
package enum RouterReplyReaders {
    /// A whole HTTP answer: its status and its body, de-chunked.
    package struct HTTPReply: Sendable, Equatable {
        package let status: Int
        package let body: [UInt8]
    }

    /// Feeds `pieces` to one response reader in order, as reads from a socket arrive;
    /// when no piece completed the answer, the connection closes after the last one.
    package static func readHTTP(_ pieces: [ArraySlice<UInt8>], limit: Int) -> Result<HTTPReply, MappingError> {
        Result { () throws(MappingError) -> HTTPReply in
            var reader = HTTPResponse.Reader(limit: limit)
            for piece in pieces {
                if let response = try reader.append(piece) { return HTTPReply(status: response.status, body: response.body) }
            }
            let response = try reader.closed()
            return HTTPReply(status: response.status, body: response.body)
        }
    }

    /// The shape of a parsed XML document, to check the parser's bounds; nil when refused.
    package static func xmlShape(_ text: String) -> (elements: Int, depth: Int)? {
        guard let root = try? XMLElement(parsing: text) else { return nil }
        var elements = 0
        var deepest = 0
        var pending = [(root, 1)]
        while let (element, depth) = pending.popLast() {
            elements += 1
            deepest = max(deepest, depth)
            pending += element.children.map { ($0, depth + 1) }
        }
        return (elements, deepest)
    }

    /// What the plugin takes from a root description fetched from `location`: the UDNs
    /// it watches for, and the absolute control URL of the WAN connection it would use.
    package static func readDescription(_ text: String, location: String) -> Result<(udns: [String], controlURL: Result<String, MappingError>), MappingError> {
        Result { () throws(MappingError) -> (udns: [String], controlURL: Result<String, MappingError>) in
            let description = try DeviceDescription(parsing: text)
            let controlURL = Result { () throws(MappingError) -> String in try description.wanConnection(location: location).controlURL }
            return (description.udns, controlURL)
        }
    }

    /// The actions whose replies the plugin reads, by name.
    package static let actions = [
        "GetExternalIPAddress", "GetStatusInfo", "GetGenericPortMappingEntry",
        "GetSpecificPortMappingEntry", "AddPortMapping", "DeletePortMapping",
    ]

    /// What the plugin reads from a reply to `action` (one of `actions`) with `status`
    /// and `body`: the reply's arguments and what they become, or the router's error.
    package static func readReply(to action: String, status: Int, body: [UInt8]) -> Result<ActionOutcome, MappingError> {
        Result { () throws(MappingError) -> ActionOutcome in
            let reply = try SOAPAction(action).reply(from: HTTPResponse(status: status, body: body)).get()
            switch action {
            case "GetExternalIPAddress":
                return .externalAddress(try IGDActions.externalAddress(from: reply))
            case "GetStatusInfo":
                return .uptime(try IGDActions.uptime(from: reply))
            case "GetGenericPortMappingEntry":
                return .mapping(try IGDActions.portMapping(from: reply))
            case "GetSpecificPortMappingEntry":
                return .mapping(try IGDActions.portMapping(from: reply, externalPort: 8080))
            default:
                return .done(reply.arguments)
            }
        }
    }

    package enum ActionOutcome: Sendable, Equatable {
        case externalAddress(String)
        case uptime(Int)
        case mapping(PortMapping?)
        case done([String: String])
    }
}
