import NIOCore

/// One encoded picture, shared by every client that sends it.
///
/// A class so that every stream writes the same bytes (a `ByteBuffer` shares its
/// storage) and so the hub can tell when the last client has let go of an old frame.
package final class Frame: Sendable {
    /// Counts from 1 in publishing order; clients ask for "the next after N".
    package let sequence: UInt64
    package let jpeg: ByteBuffer
    package let size: FrameSize
    /// Wall-clock seconds since 1970 at capture, for ustreamer's `X-Timestamp` part header.
    package let timestamp: Double
    /// How long encoding took (zero when unknown), and when the frame reached the hub
    /// (wall clock): ustreamer's `X-UStreamer-*` headers tell a viewer where a frame's
    /// delay came from.
    package let encodeDuration: Duration
    package let published: Double

    package init(
        sequence: UInt64, jpeg: ByteBuffer, size: FrameSize, timestamp: Double, encodeDuration: Duration = .zero,
        published: Double = WallClock.now
    ) {
        self.sequence = sequence
        self.jpeg = jpeg
        self.size = size
        self.timestamp = timestamp
        self.encodeDuration = encodeDuration
        self.published = published
    }
}
