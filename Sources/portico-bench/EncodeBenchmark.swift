import CameraImaging
import NIOCore
import PorticoCore
import TestPatternCamera

/// How fast one thread paints and encodes the test pattern.
enum EncodeBenchmark {
    struct Result {
        let fps: Double
        let millisecondsPerFrame: Double
        let averageBytes: Int
    }

    static func run(size: FrameSize, quality: Int, seconds: Double) throws -> Result {
        let encoder = try JPEGEncoder(quality: quality)
        var painter = TestPatternPainter(size: size)
        let clock = ContinuousClock()
        let limit = Duration.milliseconds(Int64(seconds * 1000))
        var frames = 0
        var bytes = 0
        let start = clock.now
        while clock.now - start < limit {
            painter.paint(frame: frames, wallClock: WallClock.now)
            bytes += try encoder.encode(painter.image).readableBytes
            frames += 1
        }
        let elapsed = (clock.now - start).secondsValue
        return Result(fps: Double(frames) / elapsed, millisecondsPerFrame: elapsed * 1000 / Double(frames), averageBytes: bytes / max(1, frames))
    }
}
