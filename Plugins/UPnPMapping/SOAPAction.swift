import CUPnP
import PorticoCore

/// One UPnP control action: its name and arguments in the order the service defines.
///
/// Some routers read arguments by position, not by name, so the order is kept as given.
struct SOAPAction: Sendable, Equatable {
    struct Argument: Sendable, Equatable {
        let name: String
        let value: String
    }

    let name: String
    let arguments: [Argument]

    init(_ name: String, _ arguments: [(String, String)] = []) {
        self.name = name
        self.arguments = arguments.map { Argument(name: $0.0, value: $0.1) }
    }

    /// The action as libupnp wants it; the caller frees it. `UpnpMakeAction` is variadic and
    /// so not callable from Swift: the document is built one argument at a time instead.
    func makeDocument(serviceType: String) -> UnsafeMutablePointer<IXML_Document>? {
        var document: UnsafeMutablePointer<IXML_Document>?
        if arguments.isEmpty {
            guard UpnpAddToAction(&document, name, serviceType, nil, nil) == UPNP_E_SUCCESS else {
                if let document { ixmlDocument_free(document) }
                return nil
            }
        }
        for argument in arguments {
            // Text is escaped by IXML when the request is printed.
            guard UpnpAddToAction(&document, name, serviceType, argument.name, argument.value) == UPNP_E_SUCCESS else {
                if let document { ixmlDocument_free(document) }
                return nil
            }
        }
        return document
    }

    /// Reads what libupnp reported for this action.
    func reply(from completion: UPnPClient.ActionCompletion) -> Result<SOAPReply, MappingError> {
        guard completion.code == 0 else {
            return .failure(UPnPErrorCode.mappingError(code: completion.code, action: name))
        }
        switch completion.response {
        case nil:
            return .failure(MappingError(.malformedReply, message: "\(name): the router's reply has no response element"))
        case .failure(let error):
            return .failure(MappingError(.malformedReply, message: "\(name): the router's reply is \(error)"))
        case .success(let element):
            return Result { () throws(MappingError) -> SOAPReply in try SOAPReply(element, answering: name) }
        }
    }
}

/// The output arguments of a successful action, by name.
struct SOAPReply: Sendable, Equatable {
    let action: String
    let arguments: [String: String]

    /// Checks that `element` really is `<action>Response`. libupnp passes other things through
    /// as success: a SOAP fault whose errorCode is not a number above 400 (`0`, `abc`)
    /// arrives as return code 0 with the `UPnPError` element as the "response".
    init(_ element: XMLElement, answering action: String) throws(MappingError) {
        guard element.name == action + "Response" else {
            if element.name == "UPnPError" {
                let code = element.child("errorCode")?.text ?? ""
                throw MappingError(.malformedReply, message: "\(action): the router sent a fault with an invalid error code '\(code.prefix(40))'")
            }
            throw MappingError(.malformedReply, message: "\(action): the router answered with <\(element.name.prefix(60))> instead of <\(action)Response>")
        }
        self.action = action
        var arguments: [String: String] = [:]
        for child in element.children where arguments[child.name] == nil {
            arguments[child.name] = child.text
        }
        self.arguments = arguments
    }

    /// A required output argument.
    func value(_ name: String) throws(MappingError) -> String {
        guard let value = arguments[name] else {
            throw MappingError(.malformedReply, message: "\(action): the router's reply lacks \(name)")
        }
        return value
    }

    /// A required unsigned number (a port, a lease, an uptime).
    func number(_ name: String, in range: ClosedRange<Int>) throws(MappingError) -> Int {
        let text = try value(name)
        guard let number = Int(text), range.contains(number) else {
            throw MappingError(.malformedReply, message: "\(action): \(name) '\(text.prefix(40))' is not a number from \(range.lowerBound) to \(range.upperBound)")
        }
        return number
    }
}
