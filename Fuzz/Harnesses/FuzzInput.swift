/// Reads a fuzz input as a sequence of choices: bytes, integers, short strings. Past the
/// end every read gives zeros, so any input is a complete set of choices and libFuzzer's
/// mutations of one byte change one choice.
package struct FuzzInput {
    package let bytes: [UInt8]
    package private(set) var position = 0

    package init(_ bytes: [UInt8]) { self.bytes = bytes }

    package var isAtEnd: Bool { position >= bytes.count }

    package mutating func byte() -> UInt8 {
        defer { position += 1 }
        return position < bytes.count ? bytes[position] : 0
    }

    package mutating func uint16() -> UInt16 { UInt16(byte()) << 8 | UInt16(byte()) }

    package mutating func uint64() -> UInt64 {
        var value: UInt64 = 0
        for _ in 0..<8 { value = value << 8 | UInt64(byte()) }
        return value
    }

    /// Up to `maximum` bytes, the length chosen by the input.
    package mutating func bytes(upTo maximum: Int) -> ArraySlice<UInt8> {
        let count = min(Int(byte()) % (maximum + 1), max(0, bytes.count - position))
        defer { position += count }
        return bytes[min(position, bytes.count)..<min(position + count, bytes.count)]
    }

    /// Everything not read yet.
    package mutating func rest() -> ArraySlice<UInt8> {
        defer { position = max(position, bytes.count) }
        return bytes[min(position, bytes.count)...]
    }
}
