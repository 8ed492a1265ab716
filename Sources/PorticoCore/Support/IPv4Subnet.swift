/// An IPv4 network: an address and its prefix length, as an interface's address and
/// netmask give it.
package struct IPv4Subnet: Sendable, Equatable, CustomStringConvertible {
    package let network: UInt32
    package let prefixLength: Int

    package init(address: UInt32, prefixLength: Int) {
        self.prefixLength = min(max(prefixLength, 0), 32)
        network = address & Self.mask(self.prefixLength)
    }

    /// `a.b.c.d/n`; nil for anything else.
    package init?(_ text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let address = Self.address(String(parts[0])),
              parts[1].count <= 2, parts[1].allSatisfy(\.isNumber), let length = Int(parts[1]), length <= 32
        else { return nil }
        self.init(address: address, prefixLength: length)
    }

    /// `address` with a prefix length of 0 to 32; nil for anything else.
    package init?(address: String, prefixLength: Int) {
        guard (0...32).contains(prefixLength), let word = Self.parse(address) else { return nil }
        self.init(address: word, prefixLength: prefixLength)
    }

    /// From a dotted netmask such as 255.255.255.0; nil for one whose ones are not contiguous.
    package init?(address: String, netmask: String) {
        guard let mask = Self.parse(netmask), mask == Self.mask(mask.nonzeroBitCount) else { return nil }
        self.init(address: address, prefixLength: mask.nonzeroBitCount)
    }

    package var mask: UInt32 { Self.mask(prefixLength) }

    /// The loopback network: the board itself.
    package static let loopback = IPv4Subnet(address: 0x7f00_0000, prefixLength: 8)

    package func contains(_ address: String) -> Bool {
        guard let value = Self.address(address) else { return false }
        return value & Self.mask(prefixLength) == network
    }

    package var description: String {
        "\(Self.dotted(network))/\(prefixLength)"
    }

    static func mask(_ length: Int) -> UInt32 {
        length == 0 ? 0 : UInt32.max << UInt32(32 - length)
    }

    /// A dotted quad as a number, most significant byte first; nil unless exactly that.
    /// An IPv4-mapped IPv6 address (`::ffff:a.b.c.d`, as a dual-stack socket reports an
    /// IPv4 client) is read as its IPv4 address.
    package static func address(_ text: String) -> UInt32? {
        parse(text.lowercased().hasPrefix("::ffff:") ? String(text.dropFirst(7)) : text)
    }

    /// A dotted quad alone (four parts of 0 to 255, digits only, none of the hex or octal
    /// forms `inet_aton` would take) as a number, most significant byte first.
    package static func parse(_ text: String) -> UInt32? {
        guard IPv4.isDottedQuad(text) else { return nil }
        return text.split(separator: ".").reduce(UInt32(0)) { $0 << 8 | UInt32($1)! }
    }

    static func dotted(_ value: UInt32) -> String {
        (0..<4).map { String((value >> UInt32(24 - 8 * $0)) & 0xff) }.joined(separator: ".")
    }
}
