import CUPnP
import PorticoCore

/// Turns libupnp's return codes into `MappingError`s.
///
/// libupnp returns one integer for everything: zero for success, a negative `UPNP_E_*`
/// for its own failures (transport, parsing, bad arguments) and, for a SOAP fault, the
/// router's positive UPnP error code. The registration state machine decides on
/// `MappingError.Code` alone, so the split that matters is: a refusal of this port
/// (try another), a router that cannot be talked to (retry later, rediscover), and a
/// router that answers nonsense.
enum UPnPErrorCode {
    /// UPnP error codes (UPnP Device Architecture, IGD WANIPConnection:1/2) with the name the
    /// standard gives them and, where it helps, what to do.
    static let known: [Int: (name: String, advice: String?)] = [
        401: ("Invalid Action", "the router does not implement this action"),
        402: ("Invalid Args", "the router rejected the action's arguments"),
        501: ("Action Failed", "the router failed the action; miniupnpd does this while it has no usable external address"),
        600: ("Argument Value Invalid", nil),
        601: ("Argument Value Out of Range", nil),
        606: ("Action not authorized", "the router refuses this client or port; routers often allow only ports from 1024 and only a host's own mappings"),
        713: ("SpecifiedArrayIndexInvalid", nil),
        714: ("NoSuchEntryInArray", nil),
        715: ("WildCardNotPermittedInSrcIP", nil),
        716: ("WildCardNotPermittedInExtPort", nil),
        718: ("ConflictInMappingEntry", "the external port is mapped to another host"),
        724: ("SamePortValuesRequired", "the router only forwards to the same internal port: set [http] port to the external port"),
        725: ("OnlyPermanentLeasesSupported", "the router grants permanent mappings only"),
        726: ("RemoteHostOnlySupportsWildcard", nil),
        727: ("ExternalPortOnlySupportsWildcard", nil),
        728: ("NoPortMapsAvailable", "the router's mapping table is full"),
        729: ("ConflictWithOtherMechanisms", "the external port is in use on the router itself"),
        732: ("WildCardNotPermittedInIntPort", nil),
    ]

    /// The error for a failed `action`; `code` is what libupnp returned (never zero).
    static func mappingError(code: Int, action: String) -> MappingError {
        if code > 0 {
            return routerError(code: code, action: action)
        }
        let text = libraryMessage(code)
        switch Int32(truncatingIfNeeded: code) {
        case UPNP_E_BAD_RESPONSE, UPNP_E_BAD_HTTPMSG, UPNP_E_INVALID_DESC, UPNP_E_INVALID_URL, UPNP_E_BAD_REQUEST:
            return MappingError(.malformedReply, message: "\(action): the router's reply could not be read (\(text))")
        case UPNP_E_SOCKET_CONNECT:
            return MappingError(.unreachable, message: "\(action): the router refused the connection (\(text)); it may have restarted on another port")
        case UPNP_E_TIMEDOUT:
            return MappingError(.unreachable, message: "\(action): the router did not answer (\(text))")
        case UPNP_E_NETWORK_ERROR, UPNP_E_SOCKET_WRITE, UPNP_E_SOCKET_READ, UPNP_E_SOCKET_ERROR, UPNP_E_OUTOF_SOCKET:
            return MappingError(.unreachable, message: "\(action): the connection to the router failed (\(text))")
        default:
            // libupnp's own failures (not initialised, out of memory, shutting down): nothing
            // reached the router, so the exchange counts as failed and is retried later.
            return MappingError(.unreachable, message: "\(action): libupnp failed before reaching the router (\(text))")
        }
    }

    static func routerError(code: Int, action: String) -> MappingError {
        let known = Self.known[code]
        let name = known.map { " \($0.name)" } ?? ""
        let advice = known?.advice.map { ": \($0)" } ?? ""
        let message = "\(action) refused by the router:\(name.isEmpty ? " UPnP error" : name)\(advice)"
        switch code {
        case 718, 729:
            return MappingError(.conflict, routerCode: code, message: message)
        case 725:
            return MappingError(.onlyPermanentLeases, routerCode: code, message: message)
        case 606:
            return MappingError(.notAuthorized, routerCode: code, message: message)
        default:
            return MappingError(.refused, routerCode: code, message: message)
        }
    }

    /// libupnp's name for one of its codes (`UPNP_E_SOCKET_CONNECT`), with the number.
    static func libraryMessage(_ code: Int) -> String {
        guard let text = UpnpGetErrorMessage(Int32(truncatingIfNeeded: code)) else { return "libupnp error \(code)" }
        return "\(String(cString: text)) \(code)"
    }
}
