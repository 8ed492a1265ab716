import CV4L2

/// A V4L2 pixel format code, shown the way V4L2 tools show it ("YUYV", "MJPG").
struct FourCC: Hashable, Sendable, CustomStringConvertible {
    let value: UInt32

    init(_ value: UInt32) { self.value = value }

    static let yuyv = FourCC(PORTICO_V4L2_PIX_FMT_YUYV)
    static let uyvy = FourCC(PORTICO_V4L2_PIX_FMT_UYVY)
    static let yuv420 = FourCC(PORTICO_V4L2_PIX_FMT_YUV420)
    static let mjpeg = FourCC(PORTICO_V4L2_PIX_FMT_MJPEG)
    static let jpeg = FourCC(PORTICO_V4L2_PIX_FMT_JPEG)

    var description: String {
        let bytes = (0..<4).map { UInt8((value >> (8 * $0)) & 0xFF) }
        return String(decoding: bytes.map { $0 >= 0x20 && $0 < 0x7F ? $0 : UInt8(ascii: "?") }, as: UTF8.self)
            .trimmingTrailingSpaces
    }
}

/// How a captured frame becomes a JPEG: the formats Portico takes from a camera, each
/// with the cheapest path to JPEG.
enum CaptureEncoding: Sendable, Equatable {
    /// Already JPEG: published as it came, after a header check.
    case passthrough
    /// Two pixels in four bytes: split into planes, then encoded.
    case packed422(PackedOrder)
    /// Already planar 4:2:0: encoded where it lies in the capture buffer.
    case planar420

    enum PackedOrder: Sendable, Equatable {
        case yuyv
        case uyvy
    }

    init?(_ fourcc: FourCC) {
        switch fourcc {
        case .mjpeg, .jpeg: self = .passthrough
        case .yuyv: self = .packed422(.yuyv)
        case .uyvy: self = .packed422(.uyvy)
        case .yuv420: self = .planar420
        default: return nil
        }
    }
}

/// The profile's `format` key: what to ask the camera for.
enum FormatChoice: String, Sendable, CaseIterable {
    /// JPEG straight from the camera when it offers it, else the cheapest to encode.
    case auto
    case mjpeg
    case yuyv
    case uyvy
    /// Planar 4:2:0; libv4l2 converts to it from formats Portico does not take itself.
    case yuv420

    /// The formats that satisfy the choice, best first.
    var candidates: [FourCC] {
        switch self {
        case .auto: [.mjpeg, .jpeg, .yuyv, .uyvy, .yuv420]
        case .mjpeg: [.mjpeg, .jpeg]
        case .yuyv: [.yuyv]
        case .uyvy: [.uyvy]
        case .yuv420: [.yuv420]
        }
    }
}

extension String {
    var trimmingTrailingSpaces: String {
        var text = self
        while text.last == " " || text.last == "\0" { text.removeLast() }
        return text
    }
}
