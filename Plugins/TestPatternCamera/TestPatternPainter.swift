#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CameraImaging
import PorticoCore

/// Paints the test pattern: scrolling colour bars, a bouncing box, the frame number
/// and the wall-clock time, so consecutive frames always differ and a viewer can see
/// at a glance whether the picture is live, smooth and current.
///
/// The bars are computed once per row and moved with plain copies, so painting costs
/// little next to encoding, even in a debug build.
package struct TestPatternPainter {
    package private(set) var image: PlanarImage
    private let barLuma: [UInt8]
    private let barBlue: [UInt8]
    private let barRed: [UInt8]

    static let bars: [YUVColor] = [
        YUVColor(red: 192, green: 192, blue: 192), YUVColor(red: 192, green: 192, blue: 0),
        YUVColor(red: 0, green: 192, blue: 192), YUVColor(red: 0, green: 192, blue: 0),
        YUVColor(red: 192, green: 0, blue: 192), YUVColor(red: 192, green: 0, blue: 0),
        YUVColor(red: 0, green: 0, blue: 192), YUVColor(red: 16, green: 16, blue: 16),
    ]

    package init(size: FrameSize) {
        image = PlanarImage(size: size)
        let width = size.width
        // Two periods of the bars, so a scrolled row is one contiguous slice.
        func row(_ component: (YUVColor) -> UInt8, width: Int) -> [UInt8] {
            (0..<(2 * width)).map { x in component(Self.bars[(x % width) * Self.bars.count / width]) }
        }
        barLuma = row(\.y, width: width)
        barBlue = row(\.u, width: width / 2)
        barRed = row(\.v, width: width / 2)
    }

    /// Paints frame number `frame` stamped with `wallClock` (seconds since 1970).
    package mutating func paint(frame: Int, wallClock: Double) {
        let size = image.size
        let shift = (frame * max(2, size.width / 160)) % size.width
        Self.copyRows(from: barLuma, offset: shift, into: &image.luma, width: size.width, rows: size.height)
        Self.copyRows(from: barBlue, offset: shift / 2, into: &image.blueDifference, width: size.width / 2, rows: size.height / 2)
        Self.copyRows(from: barRed, offset: shift / 2, into: &image.redDifference, width: size.width / 2, rows: size.height / 2)

        // A box bouncing between the edges, one bounce every two seconds or so.
        let box = max(8, size.height / 8) & ~1
        let travel = max(1, size.width - box)
        let position = (frame * max(2, size.width / 60)) % (2 * travel)
        let x = position < travel ? position : 2 * travel - position
        image.fill(x: x, y: size.height - box - size.height / 16, width: box, height: box, color: .white)

        let scale = max(1, size.height / 120)
        let lines = ["PORTICO TEST PATTERN", "FRAME \(Self.padded(frame, 6))", Self.clock(wallClock)]
        let lineHeight = (BitmapFont.height + 3) * scale
        let panelWidth = lines.map { PlanarImage.textWidth($0, scale: scale) }.max()! + 4 * scale
        image.fill(x: 2 * scale, y: 2 * scale, width: panelWidth, height: lines.count * lineHeight + 3 * scale, color: .black)
        for (index, line) in lines.enumerated() {
            image.draw(line, x: 4 * scale, y: 4 * scale + index * lineHeight, scale: scale, color: .white)
        }
    }

    private static func copyRows(from pattern: [UInt8], offset: Int, into plane: inout [UInt8], width: Int, rows: Int) {
        pattern.withUnsafeBufferPointer { source in
            plane.withUnsafeMutableBufferPointer { destination in
                let row = UnsafeBufferPointer(rebasing: source[offset..<(offset + width)])
                for y in 0..<rows {
                    _ = UnsafeMutableBufferPointer(rebasing: destination[(y * width)..<((y + 1) * width)]).initialize(from: row)
                }
            }
        }
    }

    static func padded(_ number: Int, _ digits: Int) -> String {
        let text = String(number)
        return text.count >= digits ? text : String(repeating: "0", count: digits - text.count) + text
    }

    /// `HH:MM:SS.mmm UTC`.
    static func clock(_ seconds: Double) -> String {
        let milliseconds = Int((seconds * 1000).rounded(.down))
        let day = milliseconds % 86_400_000
        return "\(padded(day / 3_600_000, 2)):\(padded(day / 60_000 % 60, 2)):\(padded(day / 1000 % 60, 2)).\(padded(day % 1000, 3)) UTC"
    }
}
