import CV4L2
import PorticoCore

/// The format a capture runs in, as the device agreed to it.
struct CaptureFormat: Sendable {
    let fourcc: FourCC
    let encoding: CaptureEncoding
    let size: FrameSize
    /// Bytes from one row to the next in a capture buffer (may exceed width × bytes per pixel).
    let bytesPerLine: Int
    /// Frames per second the device delivers.
    let fps: Double
    let emulated: Bool
    let input: DeviceInput
    let timings: SourceTimings?

    var summary: String {
        let conversion = emulated ? ", converted by libv4l2" : ""
        let path = switch encoding {
        case .passthrough: "JPEG passed through"
        case .packed422: "split to planes and encoded"
        case .planar420: "encoded in place"
        }
        let source = timings.map { ", source \($0)" } ?? ""
        return "\(fourcc) \(size) at \(FormatCatalog.rate(fps)) fps\(conversion) (\(path)), input \(input.index) \"\(input.name)\"\(source)"
    }
}

/// Agrees a format with the device: input, source timings, pixel format, size, rate.
///
/// Split in two so the same checks serve `portico probe` (which only asks) and the
/// capture (which then sets the format): `plan` reads what the device offers and
/// judges the profile against it; `apply` sets what the plan chose.
enum FormatNegotiation {
    struct Plan: Sendable {
        let input: DeviceInput
        let timings: SourceTimings?
        let catalog: FormatCatalog
        /// Nil when a problem prevents any choice.
        let format: FormatCatalog.Format?
        /// What the device cannot do of what the profile asks, as profile errors.
        let problems: [ProfileError]
    }

    static func plan(_ device: V4L2Device, _ settings: V4L2Settings, _ camera: CameraSettings) throws(V4L2Error) -> Plan {
        let input = try DeviceInput.select(settings.input, on: device)
        let timings = input.hasTimings ? try SourceTimings.detect(on: device) : nil
        let catalog = try FormatCatalog.read(from: device)
        let origin = settings.origin
        let size = camera.size
        var problems: [ProfileError] = []
        let place = "\(device.path) input \(input.index) (\(input.name))"

        if let timings, timings.size != size {
            problems.append(origin.problem(
                "size", "\(size) is not what the source on \(place) sends: it sends \(timings)",
                valid: ["\"\(timings.size)\", or set the source to send \(size)"]))
        }
        let format = catalog.choose(settings.format, size: timings?.size ?? size)
        if format == nil {
            let offered = catalog.sizes(for: settings.format)
            if catalog.choices.contains(settings.format) && timings == nil {
                let which = settings.format == .auto ? "any format Portico takes" : settings.format.rawValue
                problems.append(origin.problem(
                    "size", "\(size) is not offered by \(place) in \(which)", valid: offered.map { "\"\($0)\"" }))
            } else if !catalog.choices.contains(settings.format) {
                problems.append(origin.problem(
                    "format", "'\(settings.format.rawValue)' is not offered by \(place)",
                    valid: catalog.choices.isEmpty
                        ? ["none: this device offers no format Portico takes (\(catalog.others.joined(separator: " ")))"]
                        : catalog.choices.map { "\"\($0.rawValue)\"" }))
            }
        }
        if let format, timings?.size ?? size == size {
            let fastest = timings?.fps ?? format.maximumFps(at: size)
            if let fastest, Double(camera.fps) > fastest + 0.01 {
                problems.append(origin.problem(
                    "fps", "\(camera.fps) fps is more than \(place) gives at \(size) in \(format.fourcc)",
                    valid: ["1 to \(Int(fastest.rounded(.down)))"]))
            }
        }
        return Plan(input: input, timings: timings, catalog: catalog, format: format, problems: problems)
    }

    /// Sets the planned format on the device and returns what it agreed to.
    static func apply(_ plan: Plan, on device: V4L2Device, camera: CameraSettings) throws(V4L2Error) -> CaptureFormat {
        guard plan.problems.isEmpty, let chosen = plan.format, let encoding = CaptureEncoding(chosen.fourcc) else {
            throw V4L2Error(.unsupported, plan.problems.map(\.description).joined(separator: "; "))
        }
        try plan.timings?.apply(to: device)
        let size = plan.timings?.size ?? camera.size

        var format = v4l2_format()
        format.type = V4L2_BUF_TYPE_VIDEO_CAPTURE.rawValue
        format.fmt.pix.width = UInt32(size.width)
        format.fmt.pix.height = UInt32(size.height)
        format.fmt.pix.pixelformat = chosen.fourcc.value
        format.fmt.pix.field = V4L2_FIELD_ANY.rawValue
        try device.control(PORTICO_VIDIOC_S_FMT, "VIDIOC_S_FMT", &format)
        let agreed = FrameSize(width: Int(format.fmt.pix.width), height: Int(format.fmt.pix.height))
        guard agreed == size, format.fmt.pix.pixelformat == chosen.fourcc.value else {
            throw V4L2Error(.unsupported, "\(device.path) answered \(FourCC(format.fmt.pix.pixelformat)) \(agreed) when asked for \(chosen.fourcc) \(size)")
        }
        let packed = if case .packed422 = encoding { 2 } else { 1 }
        let bytesPerLine = max(Int(format.fmt.pix.bytesperline), size.width * packed)

        var fps = plan.timings?.fps ?? Double(camera.fps)
        var parameters = v4l2_streamparm()
        parameters.type = V4L2_BUF_TYPE_VIDEO_CAPTURE.rawValue
        if device.status(PORTICO_VIDIOC_G_PARM, &parameters) == 0,
           parameters.parm.capture.capability & UInt32(V4L2_CAP_TIMEPERFRAME) != 0 {
            parameters.parm.capture.timeperframe = v4l2_fract(numerator: 1, denominator: UInt32(camera.fps))
            try device.control(PORTICO_VIDIOC_S_PARM, "VIDIOC_S_PARM", &parameters)
            if let agreed = FormatCatalog.fps(parameters.parm.capture.timeperframe) { fps = agreed }
        }
        return CaptureFormat(
            fourcc: chosen.fourcc, encoding: encoding, size: size, bytesPerLine: bytesPerLine, fps: fps,
            emulated: chosen.emulated, input: plan.input, timings: plan.timings)
    }
}
