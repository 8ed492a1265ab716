import HTTPTypes
import NIOCore

/// The wire format of `/stream` and `/snapshot`, byte for byte as ustreamer sends it,
/// so viewers and recorders that already read ustreamer (browsers, Home Assistant,
/// Frigate, OctoPrint) read Portico unchanged.
///
/// The boundary follows each frame at once rather than preceding the next, so a
/// browser shows a frame as soon as it has arrived, not one frame late. The part
/// headers, plain or with ustreamer's options, are in `MJPEGStream+UStreamer.swift`.
package enum MJPEGStream {
    package static let boundary = "boundarydonotcross"
    package static let contentType = "multipart/x-mixed-replace;boundary=\(boundary)"

    /// The headers ustreamer sends with every picture response: never cache, any origin.
    package static var noCacheHeaders: HTTPFields {
        var fields = HTTPFields()
        fields[.accessControlAllowOrigin] = "*"
        fields[.cacheControl] = "no-store, no-cache, must-revalidate, proxy-revalidate, pre-check=0, post-check=0, max-age=0"
        fields[HTTPField.Name("Pragma")!] = "no-cache"
        fields[.expires] = "Mon, 3 Jan 2000 12:34:56 GMT"
        return fields
    }

    /// Sent once, right after the response head.
    package static let opening = ByteBuffer(string: "--\(boundary)\r\n")

    /// Sent after each frame's bytes: ends the part and opens the next.
    package static let closing = ByteBuffer(string: "\r\n--\(boundary)\r\n")

    /// Seconds with six decimals, as ustreamer's `%.06Lf`.
    package static func timestamp(_ seconds: Double) -> String {
        // A clock or a driver can be wrong; a wrong stamp must not trap.
        guard seconds.isFinite, seconds > 0, seconds < 1e12 else { return "0.000000" }
        let micros = Int64((seconds * 1_000_000).rounded())
        let fraction = String(micros % 1_000_000)
        return "\(micros / 1_000_000).\(String(repeating: "0", count: 6 - fraction.count))\(fraction)"
    }
}
