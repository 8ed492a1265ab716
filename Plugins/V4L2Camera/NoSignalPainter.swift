import CameraImaging
import NIOCore
import PorticoCore

/// The frame the stream shows while the camera gives no picture: "NO SIGNAL" large,
/// the reason below it and the time, at the profile's size so viewers keep their
/// layout. The time changes every frame, so a viewer sees the stream itself is alive.
struct NoSignalPainter {
    private let size: FrameSize
    private let encoder: JPEGEncoder
    private var base: PlanarImage
    private var reason = ""
    private let scale: Int
    private let clockY: Int

    static let background = YUVColor(red: 40, green: 16, blue: 16)
    static let banner = YUVColor(red: 200, green: 0, blue: 0)

    init(size: FrameSize, quality: Int) throws(JPEGError) {
        self.size = size
        encoder = try JPEGEncoder(quality: quality)
        base = PlanarImage(size: size)
        scale = max(1, min(size.width / (9 * BitmapFont.advance + 4), size.height / 40))
        clockY = size.height - (BitmapFont.height + 4) * max(1, scale / 3) - 4
    }

    /// The frame for `reason` at wall-clock `time`.
    mutating func frame(reason: String, time: Double) throws(JPEGError) -> ByteBuffer {
        if reason != self.reason { paintBase(reason) }
        var image = base
        let small = max(1, scale / 3)
        let clock = Self.clock(time)
        image.draw(clock, x: (size.width - PlanarImage.textWidth(clock, scale: small)) / 2, y: clockY, scale: small, color: .white)
        return try encoder.encode(image)
    }

    private mutating func paintBase(_ reason: String) {
        self.reason = reason
        var image = PlanarImage(size: size)
        image.fill(x: 0, y: 0, width: size.width, height: size.height, color: Self.background)
        let title = "NO SIGNAL"
        let titleHeight = BitmapFont.height * scale
        let bannerHeight = titleHeight + 4 * scale
        let top = max(0, size.height / 3 - bannerHeight / 2)
        image.fill(x: 0, y: top, width: size.width, height: bannerHeight, color: Self.banner)
        image.draw(title, x: (size.width - PlanarImage.textWidth(title, scale: scale)) / 2, y: top + 2 * scale, scale: scale, color: .white)
        let small = max(1, scale / 3)
        let columns = max(8, (size.width - 8) / (BitmapFont.advance * small))
        var y = top + bannerHeight + 3 * small * BitmapFont.height / 2
        for line in Self.wrap(reason, columns: columns).prefix(6) {
            image.draw(line, x: (size.width - PlanarImage.textWidth(line, scale: small)) / 2, y: y, scale: small, color: .white)
            y += (BitmapFont.height + 3) * small
        }
        base = image
    }

    /// Splits text into lines of at most `columns` characters at spaces.
    static func wrap(_ text: String, columns: Int) -> [String] {
        var lines: [String] = []
        var line = ""
        for word in text.split(separator: " ") {
            var word = String(word)
            while word.count > columns {
                if !line.isEmpty { lines.append(line); line = "" }
                lines.append(String(word.prefix(columns)))
                word = String(word.dropFirst(columns))
            }
            if line.isEmpty {
                line = word
            } else if line.count + 1 + word.count <= columns {
                line += " " + word
            } else {
                lines.append(line)
                line = word
            }
        }
        if !line.isEmpty { lines.append(line) }
        return lines
    }

    /// `YYYY-MM-DD HH:MM:SS UTC` would need a calendar; the time of day is enough to see it move.
    static func clock(_ seconds: Double) -> String {
        let total = Int(seconds.rounded(.down))
        let day = total % 86_400
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(two(day / 3600)):\(two(day / 60 % 60)):\(two(day % 60)) UTC"
    }
}
