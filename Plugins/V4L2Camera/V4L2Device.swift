#if canImport(Glibc)
import Glibc
#endif
import CV4L2

/// An open V4L2 device, through libv4l2 so that formats the camera does not offer
/// natively are converted for us.
///
/// Opened non-blocking: libv4l2 holds a per-device lock for the length of each call,
/// so a dequeue that blocked would stall the encoders handing buffers back. Readiness
/// comes from `poll`. Closed when the last reference goes, so no error path can leak
/// the descriptor.
final class V4L2Device: @unchecked Sendable {
    let path: String
    let fd: Int32
    /// Driver and card name, for logs and `/state`.
    let driver: String
    let card: String

    init(path: String) throws(V4L2Error) {
        self.path = path
        let fd = portico_v4l2_open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { throw .system(path, "open", errno: errno) }
        self.fd = fd
        var capability = v4l2_capability()
        if portico_v4l2_ioctl(fd, PORTICO_VIDIOC_QUERYCAP, &capability) != 0 {
            let code = errno
            v4l2_close(fd)
            throw code == ENOTTY
                ? V4L2Error(.notACamera, "\(path) is not a V4L2 device; is it the right node? (v4l2-ctl --list-devices)")
                : .system(path, "VIDIOC_QUERYCAP", errno: code)
        }
        driver = Self.string(capability.driver)
        card = Self.string(capability.card)
        let capabilities = capability.capabilities & UInt32(V4L2_CAP_DEVICE_CAPS) != 0
            ? capability.device_caps : capability.capabilities
        guard capabilities & UInt32(V4L2_CAP_VIDEO_CAPTURE) != 0, capabilities & UInt32(V4L2_CAP_STREAMING) != 0 else {
            v4l2_close(fd)
            throw V4L2Error(.notACamera, "\(path) (\(card)) cannot capture video by streaming; try the device's other /dev/video nodes (v4l2-ctl --list-devices)")
        }
    }

    deinit {
        v4l2_close(fd)
    }

    /// One ioctl, retried when a signal interrupts it; throws with `errno` phrased for a person.
    func control<T>(_ request: UInt, _ name: String, _ argument: inout T) throws(V4L2Error) {
        let code = status(request, &argument)
        if code != 0 { throw .system(path, name, errno: code) }
    }

    /// One ioctl, retried when interrupted; 0 or the `errno` of its failure, for callers
    /// to whom some failures are answers (EINVAL ends an enumeration).
    func status<T>(_ request: UInt, _ argument: inout T) -> Int32 {
        while true {
            if withUnsafeMutablePointer(to: &argument, { portico_v4l2_ioctl(fd, request, $0) }) == 0 { return 0 }
            if errno != EINTR { return errno }
        }
    }

    /// A fixed-size C string field of a V4L2 struct.
    static func string<T>(_ field: T) -> String {
        withUnsafeBytes(of: field) { bytes in
            String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
        }
    }
}
