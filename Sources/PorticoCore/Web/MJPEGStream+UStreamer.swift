import HTTPTypes
import NIOCore

/// ustreamer's variations on the stream's part headers, as its `/stream` query
/// parameters ask for them (see `StreamOptions`), byte for byte as ustreamer 4.9 writes them.
extension MJPEGStream {
    /// What the `X-UStreamer-*` headers say besides the frame itself.
    package struct Extras: Sendable {
        /// The source has a picture (the frame is not a NO SIGNAL frame).
        package var online: Bool
        /// The viewer's frames in the last second.
        package var clientFps: Int
        /// Now, wall clock.
        package var sent: Double
    }

    /// The part headers before a frame's bytes: with `Content-Length` (zero with
    /// `zero_data`), and with `extra_headers` the `X-UStreamer-*` lines.
    ///
    /// Times are wall-clock seconds: grabbed is the capture timestamp, the encode ends
    /// as the frame reaches the hub, and exposing (ustreamer's hand-over to its HTTP
    /// thread) is that same moment. ustreamer's `Dropped` counts frames it left out for
    /// being the same as the one before; Portico sends every frame, so it is 0.
    package static func partHeader(for frame: Frame, options: StreamOptions, extras: Extras) -> ByteBuffer {
        var text = "Content-Type: image/jpeg\r\nContent-Length: \(options.zeroData ? 0 : frame.jpeg.readableBytes)\r\nX-Timestamp: \(timestamp(frame.timestamp))\r\n"
        if options.extraHeaders {
            let encodeEnd = frame.published
            let encodeBegin = encodeEnd - frame.encodeDuration.secondsValue
            text += "X-UStreamer-Online: \(extras.online)\r\n"
                + "X-UStreamer-Dropped: 0\r\n"
                + "X-UStreamer-Width: \(frame.size.width)\r\n"
                + "X-UStreamer-Height: \(frame.size.height)\r\n"
                + "X-UStreamer-Client-FPS: \(extras.clientFps)\r\n"
                + "X-UStreamer-Grab-Time: \(timestamp(frame.timestamp))\r\n"
                + "X-UStreamer-Encode-Begin-Time: \(timestamp(encodeBegin))\r\n"
                + "X-UStreamer-Encode-End-Time: \(timestamp(encodeEnd))\r\n"
                + "X-UStreamer-Expose-Begin-Time: \(timestamp(encodeEnd))\r\n"
                + "X-UStreamer-Expose-Cmp-Time: \(timestamp(encodeEnd))\r\n"
                + "X-UStreamer-Expose-End-Time: \(timestamp(encodeEnd))\r\n"
                + "X-UStreamer-Send-Time: \(timestamp(extras.sent))\r\n"
                + "X-UStreamer-Latency: \(timestamp(max(0, extras.sent - frame.timestamp)))\r\n"
        }
        return ByteBuffer(string: text + "\r\n")
    }

    /// With `advance_headers`, the next part's headers, sent right after the boundary:
    /// the frame they announce is not known yet, so there is no length.
    package static func advanceHeader(sent: Double) -> ByteBuffer {
        ByteBuffer(string: "Content-Type: image/jpeg\r\nX-Timestamp: \(timestamp(sent))\r\n\r\n")
    }

    /// The `X-UStreamer-*` headers of ustreamer's `/snapshot`.
    package static func snapshotHeaders(for frame: Frame, online: Bool, into fields: inout HTTPFields) {
        let exposed = timestamp(frame.published)
        let values: [(String, String)] = [
            ("X-UStreamer-Online", "\(online)"),
            ("X-UStreamer-Dropped", "0"),
            ("X-UStreamer-Width", "\(frame.size.width)"),
            ("X-UStreamer-Height", "\(frame.size.height)"),
            ("X-UStreamer-Grab-Timestamp", timestamp(frame.timestamp)),
            ("X-UStreamer-Encode-Begin-Timestamp", timestamp(frame.published - frame.encodeDuration.secondsValue)),
            ("X-UStreamer-Encode-End-Timestamp", exposed),
            ("X-UStreamer-Expose-Begin-Timestamp", exposed),
            ("X-UStreamer-Expose-Cmp-Timestamp", exposed),
            ("X-UStreamer-Expose-End-Timestamp", exposed),
            ("X-UStreamer-Send-Timestamp", timestamp(WallClock.now)),
        ]
        for (name, value) in values {
            if let field = HTTPField.Name(name) { fields[field] = value }
        }
    }
}
