import Crypto

/// The wire form of `PeerMessage`: versioned, length-checked binary, authenticated with
/// HMAC-SHA256 under the site key every camera of a site shares.
///
/// Decoding trusts nothing: a datagram is checked for size, magic, version and MAC
/// before a single field is read, and every field is bounded and checked against
/// `PeerFieldRules`, so a hostile or broken packet ends as a counted `PeerCodecError`,
/// never a crash or a stored value.
///
///     "PTCO" version:u8 kind:u8 sequence:u64 term:u64
///     sender:str name:str address:str internalPort:u16 externalPort:u16 (0 = none) serverValue:str
///     hmac:32            (str = length:u8 + UTF-8 bytes; integers big-endian)
package struct PeerCodec: Sendable {
    package static let magic: [UInt8] = Array("PTCO".utf8)
    package static let version: UInt8 = 1
    /// Far above a real message (≈200 bytes), far below what could hurt.
    package static let maximumSize = 512
    package static let macSize = 32
    /// A site key shorter than this is refused: it could be guessed.
    package static let minimumKeySize = 16

    /// Kept as bytes: `SymmetricKey` is not `Sendable`, and making one is cheap.
    private let keyBytes: [UInt8]
    private var key: SymmetricKey { SymmetricKey(data: keyBytes) }

    package init(siteKey: [UInt8]) throws(PeerCodecError) {
        guard siteKey.count >= Self.minimumKeySize else {
            throw PeerCodecError(.shortKey, "the site key has \(siteKey.count) bytes; it needs at least \(Self.minimumKeySize)")
        }
        keyBytes = siteKey
    }

    package func encode(_ message: PeerMessage) throws(PeerCodecError) -> [UInt8] {
        var out = Self.magic
        out.append(Self.version)
        out.append(message.kind.rawValue)
        Self.append(message.sequence, to: &out)
        Self.append(message.term, to: &out)
        for text in [message.sender, message.camera.name, message.camera.internalAddress] {
            try Self.append(text, to: &out)
        }
        Self.append(UInt16(clamping: message.camera.internalPort), to: &out)
        Self.append(UInt16(clamping: message.camera.externalPort ?? 0), to: &out)
        try Self.append(message.camera.serverValue, to: &out)
        out += HMAC<SHA256>.authenticationCode(for: out, using: key)
        guard out.count <= Self.maximumSize else {
            throw PeerCodecError(.oversized, "message of \(out.count) bytes is over \(Self.maximumSize)")
        }
        return out
    }

    package func decode(_ datagram: [UInt8]) throws(PeerCodecError) -> PeerMessage {
        guard datagram.count <= Self.maximumSize else { throw PeerCodecError(.oversized, "\(datagram.count) bytes") }
        guard datagram.count >= Self.magic.count + 2 + Self.macSize else { throw PeerCodecError(.truncated, "\(datagram.count) bytes") }
        guard Array(datagram[0..<4]) == Self.magic else { throw PeerCodecError(.notPortico, "no Portico magic") }
        guard datagram[4] == Self.version else {
            throw PeerCodecError(.unknownVersion, "version \(datagram[4]); this camera speaks \(Self.version): update every camera of the site")
        }
        let body = datagram[0..<(datagram.count - Self.macSize)]
        let mac = datagram[(datagram.count - Self.macSize)...]
        guard HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: body, using: key) else {
            throw PeerCodecError(.badSignature, "HMAC does not match: another site key, or a forged message")
        }
        var reader = Reader(bytes: Array(body), position: 5)
        guard let kind = PeerMessage.Kind(rawValue: try reader.byte()) else { throw PeerCodecError(.malformed, "unknown kind") }
        let sequence = try reader.uint64()
        let term = try reader.uint64()
        let sender = try reader.string()
        let name = try reader.string()
        let address = try reader.string()
        let internalPort = Int(try reader.uint16())
        let externalPort = Int(try reader.uint16())
        let serverValue = try reader.string()
        guard reader.position == reader.bytes.count else { throw PeerCodecError(.malformed, "trailing bytes") }
        guard !sender.isEmpty else { throw PeerCodecError(.malformed, "empty sender") }
        let message = PeerMessage(
            kind: kind, sender: sender, sequence: sequence, term: term,
            camera: CameraRecord(name: name, internalAddress: address, internalPort: internalPort,
                                 externalPort: externalPort == 0 ? nil : externalPort, serverValue: serverValue))
        if let problem = PeerFieldRules.problem(in: message) { throw PeerCodecError(.invalidField, problem) }
        return message
    }

    private static func append(_ value: UInt64, to out: inout [UInt8]) {
        for shift in stride(from: 56, through: 0, by: -8) { out.append(UInt8(truncatingIfNeeded: value >> UInt64(shift))) }
    }

    private static func append(_ value: UInt16, to out: inout [UInt8]) {
        out.append(UInt8(value >> 8))
        out.append(UInt8(value & 0xFF))
    }

    private static func append(_ text: String, to out: inout [UInt8]) throws(PeerCodecError) {
        let bytes = Array(text.utf8)
        guard bytes.count <= 255 else { throw PeerCodecError(.oversized, "a text field of \(bytes.count) bytes") }
        out.append(UInt8(bytes.count))
        out += bytes
    }

    private struct Reader {
        let bytes: [UInt8]
        var position: Int

        mutating func byte() throws(PeerCodecError) -> UInt8 {
            guard position < bytes.count else { throw PeerCodecError(.truncated, "ends inside a field") }
            defer { position += 1 }
            return bytes[position]
        }

        mutating func uint16() throws(PeerCodecError) -> UInt16 {
            UInt16(try byte()) << 8 | UInt16(try byte())
        }

        mutating func uint64() throws(PeerCodecError) -> UInt64 {
            var value: UInt64 = 0
            for _ in 0..<8 { value = value << 8 | UInt64(try byte()) }
            return value
        }

        mutating func string() throws(PeerCodecError) -> String {
            let count = Int(try byte())
            guard position + count <= bytes.count else { throw PeerCodecError(.truncated, "ends inside a text field") }
            defer { position += count }
            guard let text = String(validating: bytes[position..<(position + count)], as: UTF8.self) else {
                throw PeerCodecError(.malformed, "text field is not UTF-8")
            }
            return text
        }
    }
}

/// Why a datagram was dropped; `/state` counts them by code.
package struct PeerCodecError: Error, Sendable, Equatable, CustomStringConvertible {
    package enum Code: String, Sendable, Equatable, CaseIterable, Codable {
        case shortKey = "short_key"
        case oversized
        case truncated
        case notPortico = "not_portico"
        case unknownVersion = "unknown_version"
        case badSignature = "bad_signature"
        case malformed
        case replayed
        /// A term too far above this camera's (see `Election.maximumTermStep`).
        case termJump = "term_jump"
        /// A name, sender, address, port or server value no camera would send.
        case invalidField = "invalid_field"
    }

    package var code: Code
    package var message: String

    package init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    package var description: String { "\(code.rawValue): \(message)" }
}
