#if canImport(Glibc)
import Glibc
#endif
import PorticoCore

/// The `[camera]` keys of the v4l2 source, besides the shared size, fps and quality.
struct V4L2Settings: Sendable, Equatable {
    /// The device node, e.g. "/dev/video0".
    var device: String
    var format: FormatChoice
    /// The device input to select (a capture card's HDMI or composite connector); nil
    /// leaves the device's current input.
    var input: Int?
    /// Most encoder threads: one is started, more only while one is not enough.
    var encoders: Int
    /// Capture buffers shared with the driver: enough that the driver always has one to
    /// fill while others are being encoded.
    var buffers: Int
    /// Where the keys are written, so a problem the hardware reveals later (a size the
    /// camera does not offer) points at its line like any other profile error.
    var origin: ProfileOrigin

    static let encoderRange = 1...16
    static let bufferRange = 2...32

    init(reading section: inout ProfileSection) {
        device = section.string("device", default: "/dev/video0") ?? "/dev/video0"
        let choice = section.choice("format", from: FormatChoice.allCases.map(\.rawValue), default: FormatChoice.auto.rawValue)
        format = choice.flatMap(FormatChoice.init(rawValue:)) ?? .auto
        let input = section.integer("input", in: -1...255, default: -1) ?? -1
        self.input = input >= 0 ? input : nil
        let cores = max(1, min(Self.encoderRange.upperBound, sysconf(Int32(_SC_NPROCESSORS_ONLN))))
        encoders = section.integer("encoders", in: Self.encoderRange, default: cores) ?? cores
        buffers = section.integer("buffers", in: Self.bufferRange, default: 4) ?? 4
        if !device.hasPrefix("/") {
            section.reject("device", .invalidValue, "'\(ProfileError.shortened(device))' is not a device path",
                           validChoices: ["an absolute path such as \"/dev/video0\" or \"/dev/v4l/by-id/...\""])
        }
        origin = ProfileOrigin(section: section, keys: ["size", "fps", "format", "input", "device"])
    }

    var summary: String {
        "\(device), format \(format.rawValue)\(input.map { ", input \($0)" } ?? ""), up to \(encoders) encoder\(encoders == 1 ? "" : "s"), \(buffers) buffers"
    }
}
