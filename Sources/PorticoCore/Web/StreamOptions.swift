/// ustreamer's `/stream` query parameters, read as ustreamer reads them, so a viewer
/// written for it (PiKVM's page, scripts that watch `/state`) gets what it asked for.
///
/// A flag is on when its value starts with `1` or `y`, or is `true` or `yes` in any
/// case; anything else, or no value, leaves it off.
package struct StreamOptions: Sendable, Equatable {
    /// The viewer's own name for itself, sent back in the `stream_client` cookie
    /// beside the id `/state?format=ustreamer` lists it under. Percent-encoded, as
    /// ustreamer does, so it is safe in a header; cut at `maximumKeyLength` bytes.
    package var key: String?
    /// `X-UStreamer-*` headers with every frame: when it was grabbed, encoded, sent.
    package var extraHeaders = false
    /// A frame's part headers are sent right after the previous frame instead of with
    /// its own bytes (no `Content-Length` then), for Chromium, which otherwise shows
    /// a frame only when the next one's headers arrive.
    package var advanceHeaders = false
    /// A Safari workaround for ustreamer's `--drop-same-frames`; Portico sends every
    /// frame anyway, so it is accepted and reported, and changes nothing.
    package var dualFinalFrames = false
    /// Headers only: `Content-Length: 0` and no picture, to watch timing without the bytes.
    package var zeroData = false

    package static let maximumKeyLength = 64

    package init() {}

    /// `parameter` looks up a decoded query parameter by name.
    package init(_ parameter: (String) -> String?) {
        key = parameter("key").map(Self.encodedKey)
        extraHeaders = parameter("extra_headers").map(Self.isTrue) ?? false
        advanceHeaders = parameter("advance_headers").map(Self.isTrue) ?? false
        dualFinalFrames = parameter("dual_final_frames").map(Self.isTrue) ?? false
        zeroData = parameter("zero_data").map(Self.isTrue) ?? false
    }

    static func isTrue(_ value: String) -> Bool {
        value.hasPrefix("1") || value.hasPrefix("y") || value.lowercased() == "true" || value.lowercased() == "yes"
    }

    /// Unreserved characters (RFC 3986) as they are, every other byte as `%XX`.
    static func encodedKey(_ key: String) -> String {
        var encoded = ""
        for byte in key.utf8 {
            let unreserved = (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || byte == 0x2D || byte == 0x2E || byte == 0x5F || byte == 0x7E
            let piece = unreserved ? String(UnicodeScalar(byte)) : "%" + hex(byte)
            if encoded.utf8.count + piece.utf8.count > maximumKeyLength { break }
            encoded += piece
        }
        return encoded
    }

    private static func hex(_ byte: UInt8) -> String {
        let digits = Array("0123456789ABCDEF")
        return String(digits[Int(byte >> 4)]) + String(digits[Int(byte & 0x0F)])
    }
}
