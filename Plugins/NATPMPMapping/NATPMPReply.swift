import CNATPMP
import PorticoCore

#if canImport(Glibc)
import Glibc
#endif

/// A gateway's NAT-PMP answer as Portico reads it.
///
/// libnatpmp owns the wire format: it checks the version, the opcode and the result
/// code and decodes the fields. What they mean for a request is read here, apart from
/// the socket, so everything a gateway can make Portico believe is checked without one.
package enum NATPMPReply: Sendable, Equatable {
    case publicAddress(String)
    case mapping(privatePort: Int, publicPort: Int, lifetime: Duration)

    /// What libnatpmp's `readnatpmpresponseorretry` returned, read as the answer to a
    /// request of `type`: nil for an answer of another type (a late answer to an earlier
    /// request, to be skipped), a typed error for a refusal or a failure.
    package static func read(status: Int32, response: natpmpresp_t, answering type: UInt16, doing what: String) throws(MappingError) -> NATPMPReply? {
        guard status >= 0 else { throw error(status, doing: what) }
        guard response.type == type else { return nil }
        if type == UInt16(NATPMP_RESPTYPE_PUBLICADDRESS) {
            var address = response.pnu.publicaddress.addr
            var text = [CChar](repeating: 0, count: Int(INET_ADDRSTRLEN))
            guard inet_ntop(AF_INET, &address, &text, socklen_t(text.count)) != nil else {
                throw MappingError(.malformedReply, message: "NAT-PMP gateway sent an unreadable external address")
            }
            return .publicAddress(String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        let granted = response.pnu.newportmapping
        return .mapping(privatePort: Int(granted.privateport), publicPort: Int(granted.mappedpublicport),
                        lifetime: .seconds(Int64(granted.lifetime)))
    }

    /// Whether this can be the answer to a mapping request for `internalPort`: a deletion's
    /// answer (lifetime 0) or another internal port's is a late answer to an earlier
    /// request, which a resend can bring after its own was read.
    package func answers(mappingOf internalPort: Int) -> Bool {
        guard case .mapping(let privatePort, _, let lifetime) = self else { return false }
        return privatePort == internalPort && lifetime > .zero
    }

    /// Whether this can be the answer to the deletion of `internalPort`'s mapping.
    package func answers(deletionOf internalPort: Int) -> Bool {
        guard case .mapping(let privatePort, _, let lifetime) = self else { return false }
        return privatePort == internalPort && lifetime == .zero
    }

    /// The mapping granted for `request`: NAT-PMP may grant another external port than
    /// asked (the registration checks it), never another internal one.
    package func portMapping(for request: PortMappingRequest) throws(MappingError) -> PortMapping {
        guard case .mapping(let privatePort, let publicPort, let lifetime) = self else {
            throw MappingError(.malformedReply, message: "NAT-PMP gateway answered a mapping request with \(self)")
        }
        guard privatePort == request.internalPort else {
            throw MappingError(.malformedReply, message: "NAT-PMP gateway answered for internal port \(privatePort), not \(request.internalPort)")
        }
        // Port 0 or lifetime 0 is the answer to a deletion (RFC 6886 §3.4), not a grant:
        // taken as one, port 0 would be "held" and a zero lease would read as permanent.
        guard publicPort != 0, lifetime > .zero || request.lease == .zero else {
            throw MappingError(.malformedReply, message: "NAT-PMP gateway granted port \(publicPort) for \(lifetime.components.seconds) s, which is no mapping")
        }
        return PortMapping(
            externalPort: publicPort, internalAddress: request.internalAddress,
            internalPort: request.internalPort, lease: lifetime, description: request.description)
    }

    static func error(_ status: Int32, doing what: String) -> MappingError {
        let text = String(cString: strnatpmperr(status))
        switch status {
        case NATPMP_ERR_NOTAUTHORIZED:
            return MappingError(.notAuthorized, routerCode: 2, message: "could not \(what): the router refused (\(text))")
        case NATPMP_ERR_NETWORKFAILURE:
            return MappingError(.refused, routerCode: 3, message: "could not \(what): the router has no working external connection (\(text))")
        case NATPMP_ERR_OUTOFRESOURCES:
            return MappingError(.refused, routerCode: 4, message: "could not \(what): the router is out of mappings (\(text))")
        case NATPMP_ERR_UNSUPPORTEDVERSION, NATPMP_ERR_UNSUPPORTEDOPCODE:
            return MappingError(.refused, message: "could not \(what): the router does not speak this NAT-PMP (\(text))")
        case NATPMP_ERR_WRONGPACKETSOURCE:
            return MappingError(.malformedReply, message: "could not \(what): an answer came from another host than the gateway")
        default:
            return MappingError(.unreachable, message: "could not \(what): \(text)")
        }
    }
}
