#if canImport(Glibc)
import Glibc
#endif

/// Why the camera device cannot be used now, phrased for the person who can fix it.
///
/// Every failure of the device ends the same way while running (a "NO SIGNAL" frame
/// and another try shortly), so the kinds only choose the advice, and whether
/// `portico probe` reports a profile problem or a device that is not there.
struct V4L2Error: Error, Sendable, CustomStringConvertible {
    enum Kind: Sendable, Equatable {
        /// No such device node: not connected, driver not loaded.
        case notFound
        /// Another program holds the device (or the input) for streaming.
        case busy
        /// The device went away while open (unplugged, driver unloaded).
        case gone
        case permission
        /// The node exists but cannot capture video by streaming.
        case notACamera
        /// The device does not offer what the profile asks for.
        case unsupported
        /// The input has no picture (an HDMI input without a source).
        case noSignal
        /// Streaming, but no frame came in time.
        case timeout
        case failed
    }

    var kind: Kind
    var message: String

    init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    /// The failure of a call on `device`, from `errno`.
    static func system(_ device: String, _ operation: String, errno code: Int32) -> V4L2Error {
        let reason = String(cString: strerror(code))
        switch code {
        case ENOENT, ENXIO:
            return V4L2Error(.notFound, "\(device): \(operation): \(reason): is the camera connected and its driver loaded?")
        case EBUSY:
            return V4L2Error(.busy, "\(device): \(operation): \(reason): another program is using the camera; stop it (fuser \(device) names it)")
        case ENODEV:
            return V4L2Error(.gone, "\(device): \(operation): \(reason): the camera went away (unplugged, or its driver unloaded)")
        case EACCES, EPERM:
            return V4L2Error(.permission, "\(device): \(operation): \(reason): run portico as a user in the 'video' group")
        case ENOLINK, ENOLCK:
            return V4L2Error(.noSignal, "\(device): \(operation): \(reason): the input has no signal; is the source connected and on?")
        default:
            return V4L2Error(.failed, "\(device): \(operation): \(reason)")
        }
    }

    var description: String { message }
}
