/// A router's refusal or failure, as every mapping backend reports it.
///
/// The registration state machine decides on the code alone: UPnP's numeric errors
/// and NAT-PMP's result codes are translated by the backends into these.
package struct MappingError: Error, Sendable, Equatable, CustomStringConvertible {
    package struct Code: Hashable, Sendable, CustomStringConvertible {
        package let name: String
        package var description: String { name }

        /// The external port is mapped to another host (UPnP 718).
        package static let conflict = Code(name: "conflict")
        /// The router only grants permanent mappings (UPnP 725): ask again with lease 0.
        package static let onlyPermanentLeases = Code(name: "only-permanent-leases")
        /// The router refuses this client or port (UPnP 606, NAT-PMP 2).
        package static let notAuthorized = Code(name: "not-authorized")
        /// No gateway answered, or it stopped answering.
        package static let unreachable = Code(name: "unreachable")
        /// The gateway answered with something the backend could not read.
        package static let malformedReply = Code(name: "malformed-reply")
        /// The backend's protocol cannot do this (NAT-PMP cannot list mappings).
        package static let unsupported = Code(name: "unsupported")
        /// Any other refusal; `routerCode` says which.
        package static let refused = Code(name: "refused")
    }

    package var code: Code
    /// The router's own error number (UPnP error code, NAT-PMP result code), when it gave one.
    package var routerCode: Int?
    package var message: String

    package init(_ code: Code, routerCode: Int? = nil, message: String) {
        self.code = code
        self.routerCode = routerCode
        self.message = message
    }

    package var description: String {
        routerCode.map { "\(message) (router error \($0))" } ?? message
    }
}
