import PorticoCore
import UPnPMapping

/// What a gateway sends as XML: its root description, and SOAP replies to the actions
/// Portico sends, read through libupnp's IXML parser and the plugin's readers.
///
/// The first byte picks what the rest is: 0 a root description fetched from the lab
/// router's address; otherwise a reply (HTTP 200, or 500 for odd bytes) to one of the
/// actions the plugin reads. Invariants: a parsed tree stays within the element and
/// depth limits; a usable control URL is absolute `http://`; a router error carries a
/// positive code; a port read from a reply is a port.
package enum UPnPXMLHarness {
    static let location = "http://198.51.100.1:5000/rootDesc.xml"

    package static func run(_ input: [UInt8]) throws(InvariantViolation) {
        var choices = FuzzInput(input)
        let mode = Int(choices.byte())
        let body = Array(choices.rest())
        let text = String(decoding: body, as: UTF8.self)
        if let shape = RouterReplyReaders.xmlShape(text) {
            try InvariantViolation.check(shape.elements <= 20_000 && shape.depth <= 64,
                                         "a tree of \(shape.elements) elements, \(shape.depth) deep, passed the limits")
        }
        if mode == 0 {
            guard case .success(let description) = RouterReplyReaders.readDescription(text, location: location) else { return }
            if case .success(let url) = description.controlURL {
                try InvariantViolation.check(url.lowercased().hasPrefix("http://"), "control URL '\(url)'")
            }
            return
        }
        let actions = RouterReplyReaders.actions
        let action = actions[(mode / 2) % actions.count]
        let status = mode % 2 == 1 ? 500 : 200
        let outcome = RouterReplyReaders.readReply(to: action, status: status, body: body)
        if case .success = outcome {
            try InvariantViolation.check(status == 200, "an HTTP \(status) answer was taken as a success")
        }
        switch outcome {
        case .failure(let error):
            if let code = error.routerCode {
                try InvariantViolation.check(code > 0, "router error code \(code)")
            }
        case .success(.mapping(let mapping?)):
            try InvariantViolation.check((0...65535).contains(mapping.externalPort) && (0...65535).contains(mapping.internalPort),
                                         "ports of \(mapping)")
            try InvariantViolation.check(mapping.lease >= .zero, "lease of \(mapping)")
        case .success(.uptime(let seconds)):
            try InvariantViolation.check(seconds >= 0, "uptime \(seconds)")
        case .success:
            break
        }
    }
}
