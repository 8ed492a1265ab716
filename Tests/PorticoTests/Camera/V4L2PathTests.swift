import CameraImaging
import CPixelConvert
import NIOCore
import PorticoCore
import Testing

@testable import V4L2Camera

/// The parts of the v4l2 camera's frame path that need no device: splitting packed
/// YUYV/UYVY into planes, JPEG passthrough checks, pacing, the NO SIGNAL frame.
/// The device itself is tested on the virtual board (V4L2BoardTests).
@Suite("V4L2 frame path")
struct V4L2PathTests {
    static let size = FrameSize(width: 64, height: 48)

    /// A packed 4:2:2 frame whose every byte says where it came from.
    static func packed(_ order: CaptureEncoding.PackedOrder, stride: Int) -> [UInt8] {
        var bytes = [UInt8](repeating: 0xEE, count: stride * size.height)
        for y in 0..<size.height {
            for pair in 0..<(size.width / 2) {
                let luma0 = UInt8((y * 7 + pair * 2) & 0xFF), luma1 = UInt8((y * 7 + pair * 2 + 1) & 0xFF)
                let u = UInt8((y * 3 + pair) & 0xFF), v = UInt8((255 - y * 3 - pair) & 0xFF)
                let at = y * stride + pair * 4
                switch order {
                case .yuyv: bytes[at..<(at + 4)] = [luma0, u, luma1, v]
                case .uyvy: bytes[at..<(at + 4)] = [u, luma0, v, luma1]
                }
            }
        }
        return bytes
    }

    @Test("YUYV and UYVY frames with padded rows encode to a JPEG of their picture",
          arguments: [CaptureEncoding.PackedOrder.yuyv, .uyvy])
    func split(order: CaptureEncoding.PackedOrder) throws {
        let stride = Self.size.width * 2 + 16
        let frame = Self.packed(order, stride: stride)
        let format = CaptureFormat(
            fourcc: order == .yuyv ? .yuyv : .uyvy, encoding: .packed422(order), size: Self.size, bytesPerLine: stride, fps: 25,
            emulated: false, input: DeviceInput(index: 0, name: "test", hasTimings: false), timings: nil)
        let encoder = try FrameEncoder(format: format, quality: 95)
        let jpeg = try frame.withUnsafeBytes { try encoder.encode($0) }
        // Decoded back, the grey levels follow the luma written (JPEG at quality 95 is close, not exact).
        let (size, pixels) = try JPEGDecoder().decodeGray(Array(jpeg.readableBytesView))
        #expect(size == Self.size)
        var worst = 0
        for y in 0..<size.height {
            for x in 0..<size.width {
                let written = (y * 7 + x) & 0xFF
                // Skip where the test pattern wraps from 255 to 0: JPEG smooths that edge.
                if written < 8 || written > 247 { continue }
                worst = max(worst, abs(Int(pixels[y * size.width + x]) - written))
            }
        }
        #expect(worst <= 12, "luma off by up to \(worst)")
    }

    @Test("the split is exact: each luma byte in place, each chroma byte the rounded mean of its two rows",
          arguments: [CaptureEncoding.PackedOrder.yuyv, .uyvy])
    func splitExact(order: CaptureEncoding.PackedOrder) {
        let width = Self.size.width, height = Self.size.height
        let stride = width * 2 + 16
        let frame = Self.packed(order, stride: stride)
        var y = [UInt8](repeating: 0, count: width * height)
        var u = [UInt8](repeating: 0, count: width * height / 4)
        var v = [UInt8](repeating: 0, count: width * height / 4)
        portico_packed422_to_i420(
            frame, stride, Int32(width), Int32(height), order == .yuyv ? PORTICO_PACKED_YUYV : PORTICO_PACKED_UYVY,
            &y, &u, &v)
        var wrong = 0
        for row in 0..<height {
            for x in 0..<width where Int(y[row * width + x]) != (row * 7 + x) & 0xFF { wrong += 1 }
        }
        for row in 0..<(height / 2) {
            for pair in 0..<(width / 2) {
                let top = 2 * row, bottom = 2 * row + 1
                let expectedU = (((top * 3 + pair) & 0xFF) + ((bottom * 3 + pair) & 0xFF) + 1) / 2
                let expectedV = (((255 - top * 3 - pair) & 0xFF) + ((255 - bottom * 3 - pair) & 0xFF) + 1) / 2
                if Int(u[row * width / 2 + pair]) != expectedU || Int(v[row * width / 2 + pair]) != expectedV { wrong += 1 }
            }
        }
        #expect(wrong == 0)
    }

    @Test("a short frame is refused, not read past its end")
    func shortFrame() throws {
        let format = CaptureFormat(
            fourcc: .yuyv, encoding: .packed422(.yuyv), size: Self.size, bytesPerLine: Self.size.width * 2, fps: 25,
            emulated: false, input: DeviceInput(index: 0, name: "test", hasTimings: false), timings: nil)
        let encoder = try FrameEncoder(format: format, quality: 80)
        let frame = [UInt8](repeating: 128, count: Self.size.width * 2 * (Self.size.height - 1))
        #expect(throws: JPEGError.self) { try frame.withUnsafeBytes { try encoder.encode($0) } }
    }

    @Test("JPEG passthrough keeps the camera's bytes and refuses other sizes and garbage")
    func passthrough() throws {
        var image = PlanarImage(size: Self.size)
        image.fill(x: 8, y: 8, width: 16, height: 16, color: .white)
        let jpeg = Array(try JPEGEncoder(quality: 80).encode(image).readableBytesView)
        let checker = try JPEGPassthrough(size: Self.size)
        let taken = jpeg.withUnsafeBytes { checker.take($0) }
        #expect(taken.map { Array($0.readableBytesView) } == jpeg)

        let other = try JPEGPassthrough(size: FrameSize(width: 640, height: 480))
        #expect(jpeg.withUnsafeBytes { other.take($0) } == nil)
        let garbage = [UInt8](repeating: 0x55, count: 4096)
        #expect(garbage.withUnsafeBytes { checker.take($0) } == nil)
    }

    @Test("a 60 fps source is paced to the profile's 25 fps, a 25 fps one is left alone")
    func pacing() {
        var pacer = FramePacer(deviceFps: 60, wantedFps: 25)
        let start = ContinuousClock.now
        let admitted = (0..<600).filter { pacer.admit(at: start + .microseconds(Int64($0) * 16_667)) }.count
        #expect(admitted >= 240 && admitted <= 252, "\(admitted) of 600 frames in 10 s")

        var same = FramePacer(deviceFps: 25, wantedFps: 25)
        #expect((0..<100).allSatisfy { same.admit(at: start + .milliseconds(Int64($0) * 40)) })
    }

    @Test("format choices: auto prefers the camera's JPEG, then packed, then planar")
    func choices() {
        #expect(FormatChoice.auto.candidates == [.mjpeg, .jpeg, .yuyv, .uyvy, .yuv420])
        #expect(CaptureEncoding(.mjpeg) == .passthrough)
        #expect(CaptureEncoding(.yuyv) == .packed422(.yuyv))
        #expect(CaptureEncoding(.yuv420) == .planar420)
        #expect(CaptureEncoding(FourCC(0x3342_4752)) == nil)  // RGB3 is left to libv4l2
        #expect(FourCC.yuyv.description == "YUYV")
    }

    @Test("the NO SIGNAL frame is a picture of the profile's size, dark, with the reason wrapped")
    func noSignal() throws {
        var painter = try NoSignalPainter(size: FrameSize(width: 640, height: 480), quality: 80)
        let jpeg = try painter.frame(reason: "/dev/video0: open: No such file or directory", time: 3600)
        let (size, pixels) = try JPEGDecoder().decodeGray(Array(jpeg.readableBytesView))
        #expect(size == FrameSize(width: 640, height: 480))
        #expect(Int(pixels[470 * 640 + 10]) < 60, "the background is dark")
        let lines = NoSignalPainter.wrap("one two three four five six", columns: 9)
        #expect(lines == ["one two", "three", "four five", "six"])
        #expect(NoSignalPainter.clock(3600 * 25 + 61) == "01:01:01 UTC")
    }
}
