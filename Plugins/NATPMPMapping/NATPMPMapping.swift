import CNATPMP
import Logging
import PorticoCore
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Port mappings through NAT-PMP (RFC 6886) with libnatpmp.
///
/// NAT-PMP is quick (one UDP exchange) but cannot list the router's table and maps to
/// the address the request came from. When the asked port is taken it silently grants
/// another; the registration state machine checks the granted port.
package final class NATPMPMapping: MappingBackend {
    let settings: MappingSettings
    /// Nil: the gateway of the default route, as libnatpmp finds it.
    let gateway: String?
    /// Held for a whole exchange, which can wait for the gateway up to the profile's timeout.
    private let session = Mutex(NATPMPSession())
    /// The router restarts the session has noticed, copied out after each exchange: the
    /// site's loop reads it every turn, and must not wait for an exchange under way to
    /// end (it would stop hearing its peers and sending inquiries for as long as the
    /// gateway takes to answer).
    private let restarts = Atomic<Int>(0)
    /// External port → internal port of the mappings made, so they can be deleted; apart
    /// from the session for the same reason.
    private let internalPorts = Mutex<[Int: Int]>([:])

    package init(settings: MappingSettings, gateway: String?) {
        self.settings = settings
        self.gateway = gateway
    }

    /// `[mapping] backend = "natpmp"`; its own key: `gateway` (default: the default route's).
    package static let plugin = Plugin<MappingSettings, any MappingBackend>(
        name: "natpmp",
        summary: "NAT-PMP (RFC 6886) over libnatpmp; cannot list the router's mappings"
    ) { section, settings in
        let gateway = section.string("gateway", default: "") ?? ""
        if !gateway.isEmpty && !IPv4.isDottedQuad(gateway) {
            section.reject("gateway", .invalidValue, "'\(ProfileError.shortened(gateway))' is not an IPv4 address",
                           validChoices: ["the router's LAN address, e.g. \"192.168.1.1\"", "\"\" for the default route's gateway"])
        }
        return NATPMPMapping(settings: settings, gateway: gateway.isEmpty ? nil : gateway)
    }

    package var canListMappings: Bool { false }

    package var routerGeneration: Int { restarts.load(ordering: .acquiring) }

    package func externalAddress() async throws(MappingError) -> String {
        let reply = try await exchange(expecting: UInt16(NATPMP_RESPTYPE_PUBLICADDRESS)) { sendpublicaddressrequest($0) }
        guard case .publicAddress(let address) = reply else {
            throw MappingError(.malformedReply, message: "NAT-PMP gateway answered an address request with \(reply)")
        }
        return address
    }

    package func map(_ request: PortMappingRequest) async throws(MappingError) -> PortMapping {
        guard (1...65535).contains(request.externalPort), (1...65535).contains(request.internalPort) else {
            throw MappingError(.refused, message: "port out of range in \(request)")
        }
        let seconds = UInt32(clamping: request.lease.components.seconds)
        let reply = try await exchange(expecting: UInt16(NATPMP_RESPTYPE_TCPPORTMAPPING), answers: { $0.answers(mappingOf: request.internalPort) }) {
            sendnewportmappingrequest($0, NATPMP_PROTOCOL_TCP, UInt16(request.internalPort), UInt16(request.externalPort), seconds)
        }
        let granted = try reply.portMapping(for: request)
        if granted.lease > .zero {
            internalPorts.withLock { $0[granted.externalPort] = granted.internalPort }
        }
        return granted
    }

    /// RFC 6886 §3.4: a request with lifetime 0 (and external port 0) deletes the mapping
    /// of an internal port. NAT-PMP knows only the requesting host's own mappings, keyed
    /// by internal port, so a mapping this camera did not make cannot be deleted.
    package func unmap(externalPort: Int) async throws(MappingError) {
        guard let internalPort = internalPorts.withLock({ $0[externalPort] }) else {
            throw MappingError(.notAuthorized, message: "NAT-PMP can delete only this camera's own mappings; port \(externalPort) is not one of them")
        }
        _ = try await exchange(expecting: UInt16(NATPMP_RESPTYPE_TCPPORTMAPPING), answers: { $0.answers(deletionOf: internalPort) }) {
            sendnewportmappingrequest($0, NATPMP_PROTOCOL_TCP, UInt16(internalPort), 0, 0)
        }
        internalPorts.withLock { _ = $0.removeValue(forKey: externalPort) }
    }

    package func mappings() async throws(MappingError) -> [PortMapping] {
        throw MappingError(.unsupported, message: "NAT-PMP cannot list the router's mappings; use backend \"upnp\" for the router's table")
    }

    /// Sends one request and waits for its answer, retrying as libnatpmp schedules,
    /// never longer than the profile's timeout, on a thread of its own.
    private func exchange(
        expecting type: UInt16, answers: @escaping @Sendable (NATPMPReply) -> Bool = { _ in true },
        _ send: @escaping @Sendable (UnsafeMutablePointer<natpmp_t>) -> Int32
    ) async throws(MappingError) -> NATPMPReply {
        let timeout = settings.timeout
        let gateway = self.gateway
        let outcome: Result<NATPMPReply, MappingError>
        do {
            outcome = try await DedicatedThread.run(name: "natpmp") { _ in
                self.session.withLock { session in
                    defer { self.restarts.store(session.epochs.restarts, ordering: .releasing) }
                    return Result { () throws(MappingError) -> NATPMPReply in
                        try session.exchange(gateway: gateway, timeout: timeout, expecting: type, answers: answers, send)
                    }
                }
            }
        } catch {
            throw MappingError(.unreachable, message: "NAT-PMP: \(error)")
        }
        return try outcome.get()
    }
}
