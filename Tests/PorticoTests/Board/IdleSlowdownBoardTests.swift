#if canImport(Glibc)
import Glibc
#endif
import FoundationEssentials
import PorticoCore
import PorticoTestSupport
import Testing

/// The idle slowdown against the virtual board's vivid camera, in its deterministic mode
/// (`scripts/test-board`: the guest's clock counts instructions, so CPU time and frame
/// intervals do not depend on how busy the host is).
@Suite("Idle slowdown on the virtual board", .serialized, .tags(.board), .enabled(if: VirtualBoard.isInside, "needs the virtual board (scripts/test-board)"))
struct IdleSlowdownBoardTests {
    /// CPU seconds the server spends per second of the guest's clock while `body` runs.
    static func cpuPerSecond(_ server: ServerProcess, _ body: () throws -> Void) throws -> Double {
        let (cpu0, wall0) = (try server.cpuTime(), ContinuousClock.now)
        try body()
        let (cpu1, wall1) = (try server.cpuTime(), ContinuousClock.now)
        return (cpu1 - cpu0).secondsValue / (wall1 - wall0).secondsValue
    }

    @Test("640x480 at 25 fps: no viewer costs at most a quarter of the CPU of one viewer; the first viewer's first new frame was captured within one frame interval")
    func idleCost() async throws {
        let fps = 25
        let server = try ServerProcess(profile: VirtualBoard.profile(size: "640x480", fps: fps))
        defer { server.stop() }
        try server.waitUntilReady()
        _ = try VirtualBoard.waitForSignal(port: server.port, live: true)
        try await blocking {
            usleep(2_000_000)  // nobody has watched for a while
            let before = try VirtualBoard.state(port: server.port)
            let idle = try Self.cpuPerSecond(server) { usleep(8_000_000) }
            let idleState = try VirtualBoard.state(port: server.port)
            let idleFrames = idleState.camera!.frames - before.camera!.frames

            var reader = try LoopbackHTTPClient.openStream(port: server.port)
            // The response head has come: the server counts the client from now on.
            let asked = WallClock.now
            var received = 0
            var firstNew: (captured: Double, arrived: Double)?
            while firstNew == nil && received < 50 {
                let part = try reader.next()
                received += 1
                if let stamp = Double(part.header("X-Timestamp") ?? ""), stamp >= asked { firstNew = (stamp, WallClock.now) }
            }
            let fresh = try #require(firstNew, "no frame captured after the client came, in \(received)")
            let watched = try Self.cpuPerSecond(server) {
                let start = ContinuousClock.now
                while ContinuousClock.now - start < .seconds(8) { _ = try reader.next() }
            }
            let watchedState = try VirtualBoard.state(port: server.port)
            let interval = 1.0 / Double(fps)
            let ratio = idle / watched
            print("""
                idle slowdown, 640x480 at \(fps) fps, vivid in the virtual board: \
                no client \(String(format: "%.3f", idle)) CPU s/s (\(idleFrames) frames published in 8 s), \
                one client \(String(format: "%.3f", watched)) CPU s/s (published \(watchedState.camera!.published_fps) fps), \
                ratio \(String(format: "%.1f", ratio * 100))%; first new frame captured \
                \(String(format: "%.1f", (fresh.captured - asked) * 1000)) ms and delivered \
                \(String(format: "%.1f", (fresh.arrived - asked) * 1000)) ms after the stream's head came (interval \(Int(interval * 1000)) ms, \
                encode \(watchedState.camera!.encode_ms) ms)
                """)
            #expect((4...12).contains(idleFrames), "idle: about one frame a second, \(idleFrames) in 8 s")
            #expect(watchedState.camera!.published_fps > 22, "watched: the device's rate, \(watchedState.camera!.published_fps)")
            #expect(ratio <= 0.25, "idle \(idle) CPU s/s is \(ratio * 100)% of one client's \(watched)")
            #expect(fresh.captured - asked <= interval, "the first frame captured after the client came was encoded and sent")
        }
    }
}
