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

    /// The SOAP envelope sent as the request body.
    func envelope(serviceType: String) -> String {
        var body = "<?xml version=\"1.0\"?>\r\n"
        body += "<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\" s:encodingStyle=\"http://schemas.xmlsoap.org/soap/encoding/\">"
        body += "<s:Body><u:\(name) xmlns:u=\"\(Markup.escape(serviceType))\">"
        for argument in arguments {
            body += "<\(argument.name)>\(Markup.escape(argument.value))</\(argument.name)>"
        }
        body += "</u:\(name)></s:Body></s:Envelope>\r\n"
        return body
    }

    /// Reads the router's answer: HTTP 200 with `<actionResponse>`, or (HTTP 500) a SOAP
    /// fault carrying the router's UPnP error code. Anything else is a malformed reply,
    /// never a crash or a silent success.
    func reply(from response: HTTPResponse) -> Result<SOAPReply, MappingError> {
        let text = String(decoding: response.body, as: UTF8.self)
        let envelope: XMLElement
        do throws(XMLElement.ParseError) {
            envelope = try XMLElement(parsing: text)
        } catch {
            let what = response.status == 200 ? "reply" : "HTTP \(response.status) answer"
            return .failure(MappingError(.malformedReply, message: "\(name): the router's \(what) is \(error)"))
        }
        guard let element = envelope.child("Body")?.children.first else {
            return .failure(MappingError(.malformedReply, message: "\(name): the router's answer (HTTP \(response.status)) has no SOAP body"))
        }
        if element.name == "Fault" {
            guard let error = element.child("detail")?.child("UPnPError") else {
                return .failure(MappingError(.malformedReply, message: "\(name): the router sent a SOAP fault without a UPnP error"))
            }
            let code = error.child("errorCode")?.text ?? ""
            guard let number = Int(code), number > 0 else {
                return .failure(MappingError(.malformedReply, message: "\(name): the router sent a fault with an invalid error code '\(code.prefix(40))'"))
            }
            return .failure(UPnPErrorCode.routerError(code: number, action: name))
        }
        guard response.status == 200 else {
            return .failure(MappingError(.malformedReply, message: "\(name): the router answered HTTP \(response.status)"))
        }
        return Result { () throws(MappingError) -> SOAPReply in try SOAPReply(element, answering: name) }
    }
}

/// The output arguments of a successful action, by name.
struct SOAPReply: Sendable, Equatable {
    let action: String
    let arguments: [String: String]

    /// Checks that `element` really is `<action>Response`: a router that answers with
    /// another action's response has not done this one.
    init(_ element: XMLElement, answering action: String) throws(MappingError) {
        guard element.name == action + "Response" else {
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
