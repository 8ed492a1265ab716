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
    private let session = Mutex(NATPMPSession())

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

    package var routerGeneration: Int { session.withLock { $0.epochs.restarts } }

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
        return try reply.portMapping(for: request)
    }

    /// RFC 6886 §3.4: a request with lifetime 0 (and external port 0) deletes the mapping
    /// of an internal port. NAT-PMP knows only the requesting host's own mappings, keyed
    /// by internal port, so a mapping this camera did not make cannot be deleted.
    package func unmap(externalPort: Int) async throws(MappingError) {
        guard let internalPort = session.withLock({ $0.internalPorts[externalPort] }) else {
            throw MappingError(.notAuthorized, message: "NAT-PMP can delete only this camera's own mappings; port \(externalPort) is not one of them")
        }
        _ = try await exchange(expecting: UInt16(NATPMP_RESPTYPE_TCPPORTMAPPING), answers: { $0.answers(deletionOf: internalPort) }) {
            sendnewportmappingrequest($0, NATPMP_PROTOCOL_TCP, UInt16(internalPort), 0, 0)
        }
        session.withLock { _ = $0.internalPorts.removeValue(forKey: externalPort) }
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
                    Result { () throws(MappingError) -> NATPMPReply in
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
