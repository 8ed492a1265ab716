import CUPnP
import PorticoCore
import Testing

@testable import UPnPMapping

/// SOAP requests as Portico sends them, and what routers answer turned into Portico's
/// types and errors: no router needed.
@Suite("UPnP actions, replies and error codes")
struct UPnPReplyTests {
    /// A router's HTTP answer carrying `xml` in a SOAP body.
    static func reply(_ xml: String, status: Int = 200) -> HTTPResponse {
        let envelope = "<?xml version=\"1.0\"?><s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Body>\(xml)</s:Body></s:Envelope>"
        return HTTPResponse(status: status, body: Array(envelope.utf8))
    }

    /// A SOAP fault as miniupnpd sends it, with `code` as its UPnP errorCode.
    static func fault(_ code: String) -> HTTPResponse {
        reply("<s:Fault><faultcode>s:Client</faultcode><faultstring>UPnPError</faultstring><detail><UPnPError xmlns=\"urn:schemas-upnp-org:control-1-0\"><errorCode>\(code)</errorCode><errorDescription>x</errorDescription></UPnPError></detail></s:Fault>", status: 500)
    }

    static let entry = """
        <u:GetGenericPortMappingEntryResponse xmlns:u="urn:schemas-upnp-org:service:WANIPConnection:2">
        <NewRemoteHost></NewRemoteHost><NewExternalPort>8081</NewExternalPort><NewProtocol>TCP</NewProtocol>
        <NewInternalPort>8080</NewInternalPort><NewInternalClient>198.51.100.12</NewInternalClient>
        <NewEnabled>1</NewEnabled><NewPortMappingDescription>portico:cam2</NewPortMappingDescription>
        <NewLeaseDuration>3540</NewLeaseDuration></u:GetGenericPortMappingEntryResponse>
        """

    @Test("AddPortMapping carries every argument, in the service's order, with the description escaped")
    func addPortMappingRequest() throws {
        let request = PortMappingRequest(
            externalPort: 8080, internalAddress: "198.51.100.11", internalPort: 8088,
            lease: .milliseconds(59_500), description: "portico:<porch & gate>")
        let action = IGDActions.addPortMapping(request)
        #expect(action.arguments.map(\.name) == [
            "NewRemoteHost", "NewExternalPort", "NewProtocol", "NewInternalPort", "NewInternalClient",
            "NewEnabled", "NewPortMappingDescription", "NewLeaseDuration",
        ])
        let text = action.envelope(serviceType: "urn:schemas-upnp-org:service:WANIPConnection:2")
        #expect(text.contains("<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\""))
        #expect(text.contains("<u:AddPortMapping xmlns:u=\"urn:schemas-upnp-org:service:WANIPConnection:2\">"))
        #expect(text.contains("<NewRemoteHost></NewRemoteHost><NewExternalPort>8080</NewExternalPort><NewProtocol>TCP</NewProtocol><NewInternalPort>8088</NewInternalPort><NewInternalClient>198.51.100.11</NewInternalClient><NewEnabled>1</NewEnabled>"), "\(text)")
        #expect(text.contains("<NewPortMappingDescription>portico:&lt;porch &amp; gate&gt;</NewPortMappingDescription>"), "\(text)")
        #expect(text.contains("<NewLeaseDuration>60</NewLeaseDuration>"), "a fraction of a second is rounded up: \(text)")
    }

    @Test("an action without arguments is an empty element")
    func emptyAction() throws {
        #expect(IGDActions.getExternalIPAddress.envelope(serviceType: "urn:schemas-upnp-org:service:WANIPConnection:1")
            .contains("<s:Body><u:GetExternalIPAddress xmlns:u=\"urn:schemas-upnp-org:service:WANIPConnection:1\"></u:GetExternalIPAddress></s:Body>"))
    }

    @Test("leases are whole seconds, never rounded down to zero (permanent)", arguments: [
        (Duration.zero, 0), (.milliseconds(1), 1), (.seconds(60), 60), (.milliseconds(1500), 2), (.seconds(604_800), 604_800),
    ])
    func leaseSeconds(lease: Duration, seconds: Int) {
        #expect(IGDActions.leaseSeconds(lease) == seconds)
    }

    @Test("a table entry becomes a PortMapping")
    func entry() throws {
        let action = IGDActions.getGenericPortMappingEntry(index: 0)
        let reply = try action.reply(from: Self.reply(Self.entry)).get()
        let mapping = try IGDActions.portMapping(from: reply)
        #expect(mapping == PortMapping(
            externalPort: 8081, internalAddress: "198.51.100.12", internalPort: 8080, lease: .seconds(3540),
            description: "portico:cam2"))
    }

    @Test("UDP entries and switched-off entries are not listed")
    func skippedEntries() throws {
        let action = IGDActions.getGenericPortMappingEntry(index: 0)
        let udp = try action.reply(from: Self.reply(Self.entry.replacing("<NewProtocol>TCP", with: "<NewProtocol>UDP"))).get()
        #expect(try IGDActions.portMapping(from: udp) == nil)
        let off = try action.reply(from: Self.reply(Self.entry.replacing("<NewEnabled>1", with: "<NewEnabled>0"))).get()
        #expect(try IGDActions.portMapping(from: off) == nil)
    }

    @Test("a broken table entry is a malformed reply naming the field", arguments: [
        ("<NewExternalPort>8081</NewExternalPort>", "<NewExternalPort>99999</NewExternalPort>", "NewExternalPort '99999'"),
        ("<NewInternalPort>8080</NewInternalPort>", "<NewInternalPort>http</NewInternalPort>", "NewInternalPort 'http'"),
        ("<NewLeaseDuration>3540</NewLeaseDuration>", "<NewLeaseDuration>-1</NewLeaseDuration>", "NewLeaseDuration '-1'"),
        ("<NewInternalClient>198.51.100.12</NewInternalClient>", "", "lacks NewInternalClient"),
    ])
    func brokenEntry(field: String, replacement: String, mentions: String) throws {
        let action = IGDActions.getGenericPortMappingEntry(index: 0)
        let reply = try action.reply(from: Self.reply(Self.entry.replacing(field, with: replacement))).get()
        let error = try #require(throws: MappingError.self) { try IGDActions.portMapping(from: reply) }
        #expect(error.code == .malformedReply)
        #expect(error.message.contains(mentions), "\(error)")
    }

    @Test("the external address: an IPv4 address; empty means the WAN link is down; anything else is malformed")
    func externalAddress() throws {
        func address(_ value: String) throws(MappingError) -> String {
            let xml = "<u:GetExternalIPAddressResponse xmlns:u=\"urn:x\"><NewExternalIPAddress>\(value)</NewExternalIPAddress></u:GetExternalIPAddressResponse>"
            let reply = try IGDActions.getExternalIPAddress.reply(from: Self.reply(xml)).get()
            return try IGDActions.externalAddress(from: reply)
        }
        #expect(try address(" 203.0.113.10 ") == "203.0.113.10")
        #expect(try #require(throws: MappingError.self) { try address("") }.code == .refused)
        #expect(try #require(throws: MappingError.self) { try address("0.0.0.0") }.code == .refused)
        #expect(try #require(throws: MappingError.self) { try address("fe80::1") }.code == .malformedReply)
        #expect(try #require(throws: MappingError.self) { try address("300.1.1.1") }.code == .malformedReply)
    }

    @Test("router error codes become MappingError codes, keeping the router's number", arguments: [
        (718, MappingError.Code.conflict), (729, .conflict), (725, .onlyPermanentLeases), (606, .notAuthorized),
        (501, .refused), (402, .refused), (724, .refused), (728, .refused), (899, .refused),
    ])
    func routerCodes(code: Int, expected: MappingError.Code) throws {
        let error = try #require(throws: MappingError.self) {
            try IGDActions.addPortMapping(PortMappingRequest(
                externalPort: 8080, internalAddress: "198.51.100.11", internalPort: 8080, lease: .seconds(60),
                description: "portico:cam1")).reply(from: Self.fault(String(code))).get()
        }
        #expect(error.code == expected)
        #expect(error.routerCode == code)
        #expect(error.message.hasPrefix("AddPortMapping refused by the router"))
    }

    @Test("libupnp's own failures: transport is unreachable, an unreadable answer is malformed", arguments: [
        (Int(UPNP_E_SOCKET_CONNECT), MappingError.Code.unreachable), (Int(UPNP_E_TIMEDOUT), .unreachable),
        (Int(UPNP_E_SOCKET_READ), .unreachable), (Int(UPNP_E_BAD_RESPONSE), .malformedReply),
        (Int(UPNP_E_BAD_HTTPMSG), .malformedReply), (Int(UPNP_E_INVALID_HANDLE), .unreachable),
    ])
    func libraryCodes(code: Int, expected: MappingError.Code) {
        let error = UPnPErrorCode.mappingError(code: code, action: "GetExternalIPAddress")
        #expect(error.code == expected)
        #expect(error.routerCode == nil)
        #expect(error.message.contains("UPNP_E_"), "libupnp's name for the code: \(error)")
    }

    @Test("success that is not the action's response is a malformed reply, never a crash or a silent success")
    func wrongResponses() throws {
        let action = IGDActions.getExternalIPAddress
        // A fault whose errorCode is not a positive number.
        let fault = action.reply(from: Self.fault("0"))
        #expect(throws: MappingError.self) { try fault.get() }
        #expect((try? fault.get()) == nil)
        if case .failure(let error) = fault {
            #expect(error.code == .malformedReply)
            #expect(error.message.contains("invalid error code '0'"))
        }
        let other = action.reply(from: Self.reply("<u:AddPortMappingResponse xmlns:u=\"urn:x\"/>"))
        if case .failure(let error) = other {
            #expect(error.code == .malformedReply)
            #expect(error.message.contains("instead of <GetExternalIPAddressResponse>"))
        } else {
            Issue.record("accepted the response of another action")
        }
        let missing = action.reply(from: HTTPResponse(status: 200, body: Array("<s:Envelope xmlns:s=\"x\"/>".utf8)))
        if case .failure(let error) = missing { #expect(error.code == .malformedReply) } else { Issue.record("accepted no response") }
        let unparsable = action.reply(from: HTTPResponse(status: 200, body: Array("<s:Envelope><s:Body>".utf8)))
        if case .failure(let error) = unparsable { #expect(error.code == .malformedReply) } else { Issue.record("accepted bad XML") }
        let notFound = action.reply(from: HTTPResponse(status: 404, body: Array("<html>no</html>".utf8)))
        if case .failure(let error) = notFound { #expect(error.code == .malformedReply) } else { Issue.record("accepted HTTP 404") }
        let faultWithoutCode = action.reply(from: Self.reply("<s:Fault><faultcode>s:Server</faultcode></s:Fault>", status: 500))
        if case .failure(let error) = faultWithoutCode {
            #expect(error.code == .malformedReply)
            #expect(error.message.contains("without a UPnP error"))
        } else {
            Issue.record("accepted a fault without a code")
        }
        // A required output argument that is missing.
        let empty = try action.reply(from: Self.reply("<u:GetExternalIPAddressResponse xmlns:u=\"urn:x\"/>")).get()
        #expect(try #require(throws: MappingError.self) { try IGDActions.externalAddress(from: empty) }.code == .malformedReply)
    }

    @Test("the backend is configured from a profile without touching the network")
    func configure() throws {
        let profile = try ProfileLoader(registry: PluginRegistry(mappingBackends: [UPnPMapping.plugin])).load(
            text: "name = \"cam\"\n[mapping]\nbackend = \"upnp\"\ninterface = \"pu-nonexistent\"\ntimeout = \"150ms\"\n", file: "p.toml")
        let mapping = try #require(profile.mapping)
        #expect(mapping.pluginName == "upnp")
        #expect(mapping.instance.canListMappings)
        #expect(mapping.instance.routerGeneration == 0)
        #expect(UPnPClient.shared.currentSession == nil, "libupnp is not started by configuring")
    }

    @Test("an interface without an address fails at once as unreachable, saying which interface")
    func noInterface() async throws {
        let backend = UPnPMapping(settings: MappingSettings(interface: "pu-nonexistent", timeout: .milliseconds(150)))
        let error = try await #require(throws: MappingError.self) { try await backend.externalAddress() }
        #expect(error.code == .unreachable)
        #expect(error.message.contains("pu-nonexistent has no IPv4 address"))
    }
}
