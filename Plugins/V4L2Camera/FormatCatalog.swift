#if canImport(Glibc)
import Glibc
#endif
import CV4L2
import PorticoCore

/// What a device offers on its current input: pixel formats, and for the formats
/// Portico takes, their sizes and frame rates. Read with the V4L2 enumeration ioctls;
/// through libv4l2 the list includes the formats it converts to (marked emulated).
struct FormatCatalog: Sendable {
    struct Format: Sendable {
        let fourcc: FourCC
        let name: String
        /// Made by libv4l2 from another format, at the cost of a conversion per frame.
        let emulated: Bool
        /// Sizes with their frame rates; empty when the device lists none (inputs whose
        /// size comes from the source, such as HDMI with DV timings).
        let sizes: [SizeRates]
        /// Sizes given as a range (stepwise or continuous) rather than a list.
        let range: SizeRange?

        func offers(_ size: FrameSize) -> Bool {
            sizes.contains { $0.size == size } || range?.contains(size) == true
        }

        func maximumFps(at size: FrameSize) -> Double? {
            sizes.first { $0.size == size }?.fps.max() ?? range?.maximumFps
        }
    }

    struct SizeRates: Sendable {
        let size: FrameSize
        /// Frames per second the device offers at this size, fastest first.
        let fps: [Double]
    }

    struct SizeRange: Sendable {
        let minimum: FrameSize
        let maximum: FrameSize
        let step: FrameSize
        let maximumFps: Double?

        func contains(_ size: FrameSize) -> Bool {
            size.width >= minimum.width && size.width <= maximum.width
                && size.height >= minimum.height && size.height <= maximum.height
                && (size.width - minimum.width) % max(1, step.width) == 0
                && (size.height - minimum.height) % max(1, step.height) == 0
        }
    }

    /// Formats Portico takes, with sizes and rates, in the device's order.
    let usable: [Format]
    /// The device's other formats, by name: listed so a person sees what the camera is.
    let others: [String]

    static func read(from device: V4L2Device) throws(V4L2Error) -> FormatCatalog {
        var usable: [Format] = []
        var others: [String] = []
        var index: UInt32 = 0
        while true {
            var description = v4l2_fmtdesc()
            description.index = index
            description.type = V4L2_BUF_TYPE_VIDEO_CAPTURE.rawValue
            let code = device.status(PORTICO_VIDIOC_ENUM_FMT, &description)
            if code == EINVAL { break }
            if code != 0 { throw .system(device.path, "VIDIOC_ENUM_FMT", errno: code) }
            index += 1
            let fourcc = FourCC(description.pixelformat)
            let emulated = description.flags & UInt32(V4L2_FMT_FLAG_EMULATED) != 0
            let name = V4L2Device.string(description.description)
            guard CaptureEncoding(fourcc) != nil else {
                others.append(emulated ? "\(fourcc) (converted by libv4l2)" : "\(fourcc)")
                continue
            }
            let (sizes, range) = try readSizes(device, fourcc)
            usable.append(Format(fourcc: fourcc, name: name, emulated: emulated, sizes: sizes, range: range))
        }
        return FormatCatalog(usable: usable, others: others)
    }

    private static func readSizes(_ device: V4L2Device, _ fourcc: FourCC) throws(V4L2Error) -> ([SizeRates], SizeRange?) {
        var sizes: [SizeRates] = []
        var index: UInt32 = 0
        while true {
            var entry = v4l2_frmsizeenum()
            entry.index = index
            entry.pixel_format = fourcc.value
            let code = device.status(PORTICO_VIDIOC_ENUM_FRAMESIZES, &entry)
            // EINVAL ends the list; ENOTTY: the device lists no sizes at all.
            if code == EINVAL || code == ENOTTY { break }
            if code != 0 { throw .system(device.path, "VIDIOC_ENUM_FRAMESIZES", errno: code) }
            index += 1
            if entry.type == V4L2_FRMSIZE_TYPE_DISCRETE.rawValue {
                let size = FrameSize(width: Int(entry.discrete.width), height: Int(entry.discrete.height))
                sizes.append(SizeRates(size: size, fps: try readRates(device, fourcc, size)))
            } else {
                let step = entry.stepwise
                let minimum = FrameSize(width: Int(step.min_width), height: Int(step.min_height))
                let maximum = FrameSize(width: Int(step.max_width), height: Int(step.max_height))
                let rates = try readRates(device, fourcc, maximum)
                return (sizes, SizeRange(
                    minimum: minimum, maximum: maximum,
                    step: FrameSize(width: Int(step.step_width), height: Int(step.step_height)),
                    maximumFps: rates.max()))
            }
        }
        return (sizes, nil)
    }

    private static func readRates(_ device: V4L2Device, _ fourcc: FourCC, _ size: FrameSize) throws(V4L2Error) -> [Double] {
        var rates: [Double] = []
        var index: UInt32 = 0
        while true {
            var entry = v4l2_frmivalenum()
            entry.index = index
            entry.pixel_format = fourcc.value
            entry.width = UInt32(size.width)
            entry.height = UInt32(size.height)
            let code = device.status(PORTICO_VIDIOC_ENUM_FRAMEINTERVALS, &entry)
            if code == EINVAL || code == ENOTTY { break }
            if code != 0 { throw .system(device.path, "VIDIOC_ENUM_FRAMEINTERVALS", errno: code) }
            index += 1
            if entry.type == V4L2_FRMIVAL_TYPE_DISCRETE.rawValue {
                if let fps = Self.fps(entry.discrete) { rates.append(fps) }
            } else {
                // Stepwise or continuous: the fastest is the shortest interval.
                if let fps = Self.fps(entry.stepwise.min) { rates.append(fps) }
                if let fps = Self.fps(entry.stepwise.max) { rates.append(fps) }
                break
            }
        }
        return rates.sorted(by: >)
    }

    /// Frames per second of a frame interval.
    static func fps(_ interval: v4l2_fract) -> Double? {
        interval.numerator > 0 && interval.denominator > 0 ? Double(interval.denominator) / Double(interval.numerator) : nil
    }

    /// The best format for `choice` that offers `size` (any size when the device lists
    /// none): native formats before those libv4l2 converts.
    func choose(_ choice: FormatChoice, size: FrameSize) -> Format? {
        for emulated in [false, true] {
            for fourcc in choice.candidates {
                if let format = usable.first(where: {
                    $0.fourcc == fourcc && $0.emulated == emulated && ($0.offers(size) || ($0.sizes.isEmpty && $0.range == nil))
                }) {
                    return format
                }
            }
        }
        return nil
    }

    /// The profile `format` values this device can satisfy.
    var choices: [FormatChoice] {
        FormatChoice.allCases.filter { choice in
            choice == .auto ? !usable.isEmpty : usable.contains { choice.candidates.contains($0.fourcc) }
        }
    }

    /// Every size the formats of `choice` offer, in order, for "valid: ..." lists.
    func sizes(for choice: FormatChoice) -> [String] {
        var seen: [String] = []
        for format in usable where choice.candidates.contains(format.fourcc) {
            for entry in format.sizes where !seen.contains(entry.size.description) { seen.append(entry.size.description) }
            if let range = format.range {
                let text = "\(range.minimum) to \(range.maximum) in steps of \(range.step)"
                if !seen.contains(text) { seen.append(text) }
            }
        }
        return seen
    }

    /// One line per usable format, then one for the others, for `portico probe`.
    var lines: [String] {
        var lines = usable.map { format in
            var sizes = format.sizes.map { entry in
                entry.fps.first.map { "\(entry.size) (up to \(FormatCatalog.rate($0)) fps)" } ?? entry.size.description
            }
            if let range = format.range {
                sizes.append("\(range.minimum) to \(range.maximum)\(range.maximumFps.map { " (up to \(FormatCatalog.rate($0)) fps)" } ?? "")")
            }
            let origin = format.emulated ? ", converted by libv4l2" : ""
            let listed = sizes.isEmpty ? "size set by the source" : sizes.joined(separator: ", ")
            return "\(format.fourcc) (\(format.name)\(origin)): \(listed)"
        }
        if !others.isEmpty {
            lines.append("\(others.count) other format\(others.count == 1 ? "" : "s") Portico does not take directly: \(others.joined(separator: " "))")
        }
        return lines
    }

    /// 25, 12.5, 7.5: no trailing zeros.
    static func rate(_ fps: Double) -> String {
        let hundredths = Int((fps * 100).rounded())
        if hundredths % 100 == 0 { return String(hundredths / 100) }
        if hundredths % 10 == 0 { return "\(hundredths / 100).\(hundredths % 100 / 10)" }
        return "\(hundredths / 100).\(hundredths % 100 < 10 ? "0" : "")\(hundredths % 100)"
    }
}
