/// An IPv4 network as an interface has it: its address and prefix length. The web pages
/// ask it whether a viewer is on the camera's own LAN.
public struct IPv4Subnet: Sendable, Equatable, CustomStringConvertible {
    /// The interface's address (not the network's), as a 32-bit word in network order's value.
    public let address: UInt32
    /// 0 to 32.
    public let prefixLength: Int

    public init?(address: String, prefixLength: Int) {
        guard (0...32).contains(prefixLength), let word = Self.parse(address) else { return nil }
        self.address = word
        self.prefixLength = prefixLength
    }

    /// From a dotted netmask such as 255.255.255.0; nil for one whose ones are not contiguous.
    public init?(address: String, netmask: String) {
        guard let mask = Self.parse(netmask) else { return nil }
        let ones = mask.nonzeroBitCount
        guard mask == Self.mask(ones) else { return nil }
        self.init(address: address, prefixLength: ones)
    }

    public var mask: UInt32 { Self.mask(prefixLength) }

    public func contains(_ address: String) -> Bool {
        guard let word = Self.parse(address) else { return false }
        return word & mask == self.address & mask
    }

    public var description: String { "\(Self.format(address & mask))/\(prefixLength)" }

    static func mask(_ ones: Int) -> UInt32 {
        ones == 0 ? 0 : UInt32.max << UInt32(32 - ones)
    }

    /// Dotted decimal, exactly four parts of 0 to 255, digits only (no leading sign, no
    /// hex or octal forms that `inet_aton` would take).
    public static func parse(_ text: String) -> UInt32? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var word: UInt32 = 0
        for part in parts {
            guard (1...3).contains(part.count), part.allSatisfy({ $0.isASCII && $0.isNumber }),
                  let byte = UInt32(part), byte <= 255
            else { return nil }
            word = word << 8 | byte
        }
        return word
    }

    static func format(_ word: UInt32) -> String {
        (0..<4).map { String((word >> UInt32(24 - 8 * $0)) & 0xff) }.joined(separator: ".")
    }
}
