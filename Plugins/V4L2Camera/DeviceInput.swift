import CV4L2
import PorticoCore

/// The device's input (connector) and, for inputs whose picture format is set by the
/// source (HDMI), the timings the source sends.
struct DeviceInput: Sendable {
    let index: Int
    let name: String
    /// The input takes DV timings: its size and rate come from the source, not from us.
    let hasTimings: Bool

    /// The current input, after selecting `wanted` when given.
    static func select(_ wanted: Int?, on device: V4L2Device) throws(V4L2Error) -> DeviceInput {
        if let wanted {
            var count = 0
            while (try? describe(count, on: device)) != nil { count += 1 }
            guard wanted < count else {
                throw V4L2Error(.unsupported, "\(device.path) has no input \(wanted); it has \(count == 1 ? "only input 0" : "inputs 0 to \(count - 1)")")
            }
            var index = Int32(wanted)
            try device.control(PORTICO_VIDIOC_S_INPUT, "VIDIOC_S_INPUT", &index)
        }
        var current: Int32 = 0
        if device.status(PORTICO_VIDIOC_G_INPUT, &current) != 0 { current = 0 }
        return (try? describe(Int(current), on: device)) ?? DeviceInput(index: Int(current), name: "input \(current)", hasTimings: false)
    }

    /// Every input of the device, for `portico probe`.
    static func all(on device: V4L2Device) -> [DeviceInput] {
        var inputs: [DeviceInput] = []
        while let input = try? describe(inputs.count, on: device) { inputs.append(input) }
        return inputs
    }

    static func describe(_ index: Int, on device: V4L2Device) throws(V4L2Error) -> DeviceInput {
        var input = v4l2_input()
        input.index = UInt32(index)
        try device.control(PORTICO_VIDIOC_ENUMINPUT, "VIDIOC_ENUMINPUT", &input)
        return DeviceInput(
            index: index, name: V4L2Device.string(input.name),
            hasTimings: input.capabilities & UInt32(V4L2_IN_CAP_DV_TIMINGS) != 0)
    }
}

/// What an HDMI-like source sends: the size and rate are its choice, and the receiver
/// must be told to expect them.
struct SourceTimings: Sendable, CustomStringConvertible {
    let size: FrameSize
    let fps: Double
    fileprivate var raw: v4l2_dv_timings

    /// Asks the receiver what the source sends now; `.noSignal` when nothing is connected.
    static func detect(on device: V4L2Device) throws(V4L2Error) -> SourceTimings {
        var timings = v4l2_dv_timings()
        try device.control(PORTICO_VIDIOC_QUERY_DV_TIMINGS, "VIDIOC_QUERY_DV_TIMINGS", &timings)
        return SourceTimings(timings)
    }

    init(_ timings: v4l2_dv_timings) {
        raw = timings
        let bt = timings.bt
        size = FrameSize(width: Int(bt.width), height: Int(bt.height))
        let totalWidth = UInt64(bt.width + bt.hfrontporch + bt.hsync + bt.hbackporch)
        var totalHeight = UInt64(bt.height + bt.vfrontporch + bt.vsync + bt.vbackporch)
        if bt.interlaced != 0 { totalHeight += UInt64(bt.il_vfrontporch + bt.il_vsync + bt.il_vbackporch) }
        fps = totalWidth * totalHeight > 0 ? Double(bt.pixelclock) / Double(totalWidth * totalHeight) : 0
    }

    /// Tells the receiver to take these timings, as it must before the format is set.
    func apply(to device: V4L2Device) throws(V4L2Error) {
        var timings = raw
        try device.control(PORTICO_VIDIOC_S_DV_TIMINGS, "VIDIOC_S_DV_TIMINGS", &timings)
    }

    var description: String { "\(size)p\(FormatCatalog.rate(fps))" }
}
