/// The `[camera]` keys every camera source shares.
package struct CameraSettings: Sendable, Equatable, CustomStringConvertible {
    package var size: FrameSize
    package var fps: Int
    /// JPEG quality, 1–100.
    package var quality: Int
    /// With nobody watching, publish a frame a second instead of `fps` (`IdleSlowdown`).
    package var slowdown: Bool

    package static let sides = 16...8192
    package static let fpsRange = 1...120
    package static let qualityRange = 1...100

    package init(size: FrameSize = FrameSize(width: 640, height: 480), fps: Int = 15, quality: Int = 80, slowdown: Bool = true) {
        self.size = size
        self.fps = fps
        self.quality = quality
        self.slowdown = slowdown
    }

    package init(reading section: inout ProfileSection) {
        let defaults = CameraSettings()
        self.size = section.size("size", sides: Self.sides, default: defaults.size) ?? defaults.size
        self.fps = section.integer("fps", in: Self.fpsRange, default: defaults.fps) ?? defaults.fps
        self.quality = section.integer("quality", in: Self.qualityRange, default: defaults.quality) ?? defaults.quality
        self.slowdown = section.boolean("slowdown", default: defaults.slowdown) ?? defaults.slowdown
    }

    package var description: String { "\(size) at \(fps) fps, JPEG quality \(quality)\(slowdown ? "" : ", no idle slowdown")" }
}
