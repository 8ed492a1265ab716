/// What kind of address the router reports as its external one.
///
/// A router whose "external" address is private, shared (CGNAT) or reserved is itself
/// behind another NAT: mappings on it do not reach the internet, and the camera says so
/// instead of handing out URLs that cannot work.
package enum ExternalAddress {
    package enum Kind: String, Sendable, Equatable, Codable {
        case `public`
        case `private`
        case sharedCGNAT = "cgnat"
        case reserved
        case invalid
    }

    package static func classify(_ address: String) -> Kind {
        let parts = address.split(separator: ".", omittingEmptySubsequences: false).map { Int($0) }
        guard parts.count == 4, parts.allSatisfy({ $0 != nil && (0...255).contains($0!) }) else { return .invalid }
        let a = parts[0]!, b = parts[1]!, c = parts[2]!
        switch (a, b, c) {
        case (10, _, _), (172, 16...31, _), (192, 168, _): return .private
        case (100, 64...127, _): return .sharedCGNAT
        case (0, _, _), (127, _, _), (169, 254, _), (192, 0, 0), (192, 0, 2), (198, 18...19, _),
             (198, 51, 100), (203, 0, 113), (224...255, _, _):
            return .reserved
        default: return .public
        }
    }

    /// True when mappings on this router cannot be reached from the internet.
    package static func isBehindAnotherNAT(_ address: String) -> Bool {
        classify(address) != .public
    }
}
