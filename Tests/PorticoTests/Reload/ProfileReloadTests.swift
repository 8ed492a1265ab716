#if canImport(Glibc)
import Glibc
#endif
import CameraImaging
import FoundationEssentials
import PorticoCore
import PorticoTestSupport
import Testing

/// SIGHUP to `portico run`, a real process: the profile is read again and only what
/// changed restarts.
@Suite("Reloading the profile on SIGHUP", .serialized)
struct ProfileReloadTests {
    static func profile(port: Int, size: String, fps: Int, comment: String = "", fpsValue: String? = nil) -> String {
        """
        name = "reload"
        \(comment)
        [http]
        address = "127.0.0.1"
        port = \(port)

        [camera]
        source = "test-pattern"
        size = "\(size)"
        fps = \(fpsValue ?? String(fps))
        """
    }

    static func state(_ port: Int) throws -> StateReport {
        let reply = try LoopbackHTTPClient.get(port: port, path: "/state", timeout: .seconds(2))
        guard reply.status == 200 else { throw TestFailure("/state answered \(reply.status)") }
        return try JSONDecoder().decode(StateReport.self, from: Data(reply.body))
    }

    static func occurrences(of text: String, in log: String) -> Int {
        log.split(separator: "\n").filter { $0.contains(text) }.count
    }

    @Test("a changed [camera]: new size and rate in /state and on the same stream connection, the web server untouched; unchanged: nothing restarts; broken: file:line:column logged, everything runs on")
    func reload() throws {
        let port = try ServerProcess.freePort()
        let file = try temporaryProfile(Self.profile(port: port, size: "320x240", fps: 5))
        defer { unlink(file) }
        let process = try Subprocess(["run", "--profile", file])
        try eventually(.seconds(20), "serving") { try Self.state(port).camera?.published_fps ?? 0 > 0 }
        var stream = try LoopbackHTTPClient.openStream(port: port, timeout: .seconds(5))
        let decoder = try JPEGDecoder()
        #expect(try decoder.size(of: stream.next().jpeg) == FrameSize(width: 320, height: 240))

        // A changed camera section.
        try AtomicFile.write(Array(Self.profile(port: port, size: "640x480", fps: 10).utf8), to: file)
        process.signal(SIGHUP)
        try eventually(.seconds(10), "640x480 at 10 fps in /state") {
            let camera = try Self.state(port).camera
            return camera?.size == "640x480" && camera?.fps == 10
        }
        var sizes: [FrameSize] = []
        for _ in 0..<40 {
            let size = try decoder.size(of: stream.next().jpeg)
            sizes.append(size)
            if size == FrameSize(width: 640, height: 480) { break }
        }
        #expect(sizes.last == FrameSize(width: 640, height: 480), "the stream connection opened before the reload carries the new size: \(sizes)")
        // At 10 fps now: the same connection's next ten frames come within about a second.
        let start = ContinuousClock.now
        for _ in 0..<10 { _ = try stream.next() }
        let tenFrames = ContinuousClock.now - start
        #expect(tenFrames < .milliseconds(1600), "10 frames at 10 fps took \(tenFrames)")
        try eventually(.seconds(5), "reloaded") { process.errorOutput.contains("reloaded") }
        var log = process.errorOutput
        #expect(log.contains("profile read again: [camera] changed: restarting camera"), "\(log)")
        #expect(Self.occurrences(of: "serving http://", in: log) == 1, "the web server was not restarted: \(log)")
        #expect(Self.occurrences(of: "] starting camera", in: log) == 2, "\(log)")
        #expect(process.exited() == nil, "the same process")

        // The same values, only a comment added: nothing restarts.
        try AtomicFile.write(Array(Self.profile(port: port, size: "640x480", fps: 10, comment: "# the same board").utf8), to: file)
        process.signal(SIGHUP)
        try eventually(.seconds(10), "nothing changed, logged") { process.errorOutput.contains("no section changed: nothing restarts") }
        log = process.errorOutput
        #expect(Self.occurrences(of: "] starting camera", in: log) == 2, "\(log)")
        #expect(Self.occurrences(of: "serving http://", in: log) == 1, "\(log)")
        _ = try stream.next()

        // A broken profile: its error where `portico probe` would put it; everything runs on.
        try AtomicFile.write(Array(Self.profile(port: port, size: "640x480", fps: 10, fpsValue: "\"fast\"").utf8), to: file)
        process.signal(SIGHUP)
        try eventually(.seconds(10), "the error logged") { process.errorOutput.contains("the profile was not reloaded") }
        log = process.errorOutput
        #expect(log.contains("\(file):10:7: camera.fps:"), "file:line:column of the bad value: \(log)")
        #expect(log.contains("every piece runs on as it was"), "\(log)")
        #expect(Self.occurrences(of: "] starting camera", in: log) == 2, "\(log)")
        #expect(process.exited() == nil)
        let after = try Self.state(port).camera
        #expect(after?.size == "640x480" && after?.fps == 10)
        for _ in 0..<3 { #expect(try decoder.size(of: stream.next().jpeg) == FrameSize(width: 640, height: 480)) }

        process.signal(SIGTERM)
        #expect(try process.wait(timeout: .seconds(10)) == 0, "\(process.errorOutput)")
    }

    @Test("a changed [http] port: the web server moves to it, the camera runs on untouched")
    func httpMoves() throws {
        let (first, second) = (try ServerProcess.freePort(), try ServerProcess.freePort())
        let file = try temporaryProfile(Self.profile(port: first, size: "320x240", fps: 5))
        defer { unlink(file) }
        let process = try Subprocess(["run", "--profile", file])
        try eventually(.seconds(20), "serving") { try Self.state(first).camera?.published_fps ?? 0 > 0 }
        try AtomicFile.write(Array(Self.profile(port: second, size: "320x240", fps: 5).utf8), to: file)
        process.signal(SIGHUP)
        try eventually(.seconds(10), "serving on the new port") { try Self.state(second).camera != nil }
        #expect((try? Self.state(first)) == nil, "nothing listens on the old port")
        let log = process.errorOutput
        #expect(log.contains("profile read again: [http] changed: restarting web server"), "\(log)")
        #expect(Self.occurrences(of: "] starting camera", in: log) == 1, "\(log)")
        var stream = try LoopbackHTTPClient.openStream(port: second, timeout: .seconds(5))
        #expect(try JPEGDecoder().size(of: stream.next().jpeg) == FrameSize(width: 320, height: 240), "the camera's frames, on the new port")
        process.signal(SIGTERM)
        #expect(try process.wait(timeout: .seconds(10)) == 0, "\(process.errorOutput)")
    }
}
