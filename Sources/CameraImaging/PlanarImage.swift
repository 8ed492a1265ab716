import PorticoCore

/// A picture in planar YUV 4:2:0 (I420), the layout libturbojpeg encodes without
/// converting: a full-size luma plane and two quarter-size chroma planes.
package struct PlanarImage: Sendable {
    package let size: FrameSize
    package var luma: [UInt8]
    package var blueDifference: [UInt8]
    package var redDifference: [UInt8]

    package var chromaWidth: Int { size.width / 2 }
    package var chromaHeight: Int { size.height / 2 }

    package init(size: FrameSize) {
        precondition(size.width % 2 == 0 && size.height % 2 == 0, "4:2:0 needs even sides")
        self.size = size
        luma = [UInt8](repeating: 16, count: size.width * size.height)
        blueDifference = [UInt8](repeating: 128, count: size.width * size.height / 4)
        redDifference = [UInt8](repeating: 128, count: size.width * size.height / 4)
    }

    /// Fills a rectangle (in luma pixels, clipped to the picture) with one colour.
    package mutating func fill(x: Int, y: Int, width: Int, height: Int, color: YUVColor) {
        let x0 = max(0, x), y0 = max(0, y)
        let x1 = min(size.width, x + width), y1 = min(size.height, y + height)
        guard x0 < x1, y0 < y1 else { return }
        let stride = size.width
        luma.withUnsafeMutableBufferPointer { plane in
            for row in y0..<y1 {
                let start = row * stride
                plane[(start + x0)..<(start + x1)].update(repeating: color.y)
            }
        }
        let cx0 = x0 / 2, cy0 = y0 / 2, cx1 = (x1 + 1) / 2, cy1 = (y1 + 1) / 2
        let cstride = chromaWidth
        blueDifference.withUnsafeMutableBufferPointer { plane in
            for row in cy0..<cy1 { plane[(row * cstride + cx0)..<(row * cstride + cx1)].update(repeating: color.u) }
        }
        redDifference.withUnsafeMutableBufferPointer { plane in
            for row in cy0..<cy1 { plane[(row * cstride + cx0)..<(row * cstride + cx1)].update(repeating: color.v) }
        }
    }

    /// Draws `text` with its top-left corner at (x, y), each font pixel `scale` pixels square.
    package mutating func draw(_ text: String, x: Int, y: Int, scale: Int, color: YUVColor) {
        var cursor = x
        for character in text.uppercased() {
            let rows = BitmapFont.glyph(for: character)
            for (row, bits) in rows.enumerated() {
                for column in 0..<BitmapFont.width where bits & (1 << (BitmapFont.width - 1 - column)) != 0 {
                    fill(x: cursor + column * scale, y: y + row * scale, width: scale, height: scale, color: color)
                }
            }
            cursor += BitmapFont.advance * scale
        }
    }

    /// The width `draw` will use for `text`.
    package static func textWidth(_ text: String, scale: Int) -> Int {
        text.count * BitmapFont.advance * scale - scale
    }
}

/// A colour in limited-range BT.601 YCbCr, as JPEG stores it.
package struct YUVColor: Sendable, Equatable {
    package var y: UInt8
    package var u: UInt8
    package var v: UInt8

    package init(y: UInt8, u: UInt8, v: UInt8) {
        self.y = y
        self.u = u
        self.v = v
    }

    package init(red: Int, green: Int, blue: Int) {
        let r = Double(red), g = Double(green), b = Double(blue)
        func clamp(_ value: Double) -> UInt8 { UInt8(max(0, min(255, value.rounded()))) }
        y = clamp(16 + 0.257 * r + 0.504 * g + 0.098 * b)
        u = clamp(128 - 0.148 * r - 0.291 * g + 0.439 * b)
        v = clamp(128 + 0.439 * r - 0.368 * g - 0.071 * b)
    }

    package static let white = YUVColor(red: 255, green: 255, blue: 255)
    package static let black = YUVColor(red: 0, green: 0, blue: 0)
}
