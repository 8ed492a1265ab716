import PorticoCore

/// The WANIPConnection / WANPPPConnection actions Portico uses, and how their replies
/// become Portico's types. Pure: tests check them without a router.
enum IGDActions {
    /// Portico forwards its web server: TCP only.
    static let tcp = "TCP"

    static let getExternalIPAddress = SOAPAction("GetExternalIPAddress")

    static let getStatusInfo = SOAPAction("GetStatusInfo")

    static func addPortMapping(_ request: PortMappingRequest) -> SOAPAction {
        SOAPAction("AddPortMapping", [
            ("NewRemoteHost", ""),
            ("NewExternalPort", String(request.externalPort)),
            ("NewProtocol", tcp),
            ("NewInternalPort", String(request.internalPort)),
            ("NewInternalClient", request.internalAddress),
            ("NewEnabled", "1"),
            ("NewPortMappingDescription", request.description),
            ("NewLeaseDuration", String(leaseSeconds(request.lease))),
        ])
    }

    static func getSpecificPortMappingEntry(externalPort: Int) -> SOAPAction {
        SOAPAction("GetSpecificPortMappingEntry", [
            ("NewRemoteHost", ""),
            ("NewExternalPort", String(externalPort)),
            ("NewProtocol", tcp),
        ])
    }

    static func getGenericPortMappingEntry(index: Int) -> SOAPAction {
        SOAPAction("GetGenericPortMappingEntry", [("NewPortMappingIndex", String(index))])
    }

    static func deletePortMapping(externalPort: Int) -> SOAPAction {
        SOAPAction("DeletePortMapping", [
            ("NewRemoteHost", ""),
            ("NewExternalPort", String(externalPort)),
            ("NewProtocol", tcp),
        ])
    }

    /// UPnP leases are whole seconds (ui4); a fraction is rounded up so a short lease is
    /// never asked for as zero, which would mean permanent.
    static func leaseSeconds(_ lease: Duration) -> Int {
        guard lease > .zero else { return 0 }
        let (seconds, attoseconds) = lease.components
        let whole = Int(seconds) + (attoseconds > 0 ? 1 : 0)
        return min(whole, Int(UInt32.max))
    }

    // MARK: - Replies

    static func externalAddress(from reply: SOAPReply) throws(MappingError) -> String {
        let address = try reply.value("NewExternalIPAddress")
        if address.isEmpty || address == "0.0.0.0" {
            throw MappingError(.refused, message: "the router has no external address yet: its WAN link is down or not configured")
        }
        guard ExternalAddress.classify(address) != .invalid else {
            throw MappingError(.malformedReply, message: "GetExternalIPAddress: '\(address.prefix(60))' is not an IPv4 address")
        }
        return address
    }

    /// One entry of the router's table; nil for entries that forward nothing Portico could
    /// serve: another program's UDP forwarding, or a mapping switched off (`NewEnabled` 0).
    static func portMapping(from reply: SOAPReply, externalPort knownPort: Int? = nil) throws(MappingError) -> PortMapping? {
        var proto = tcp
        if knownPort == nil { proto = try reply.value("NewProtocol") }
        guard proto.uppercased() == tcp, reply.arguments["NewEnabled"] != "0" else { return nil }
        let externalPort: Int
        if let knownPort { externalPort = knownPort } else { externalPort = try reply.number("NewExternalPort", in: 0...65535) }
        let internalPort = try reply.number("NewInternalPort", in: 0...65535)
        let client = try reply.value("NewInternalClient")
        let lease = try reply.number("NewLeaseDuration", in: 0...Int(UInt32.max))
        let description = reply.arguments["NewPortMappingDescription"] ?? ""
        return PortMapping(
            externalPort: externalPort, internalAddress: client, internalPort: internalPort,
            lease: .seconds(lease), description: description)
    }

    /// Seconds since the connection (for miniupnpd: the daemon) came up.
    static func uptime(from reply: SOAPReply) throws(MappingError) -> Int {
        try reply.number("NewUptime", in: 0...Int(UInt32.max))
    }
}
