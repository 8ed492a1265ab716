import FoundationEssentials
import PorticoCore
import PorticoTestSupport

/// CPU the server spends per frame it delivers, with N clients reading `/stream`.
enum StreamBenchmark {
    struct Result {
        let capturedFps: Double
        let deliveredFpsPerClient: Double
        let cpuMillisecondsPerSecond: Double
        let cpuPerDeliveredFrame: Double
        let cpuPerCapturedFrame: Double
    }

    static func run(size: String, fps: Int, quality: Int, clients: Int, seconds: Double) async throws -> Result {
        let server = try ServerProcess(profile: """
            name = "bench"
            [camera]
            source = "test-pattern"
            size = "\(size)"
            fps = \(fps)
            quality = \(quality)
            """)
        defer { server.stop() }
        try server.waitUntilReady()
        try await Task.sleep(for: .seconds(1))  // warm up: first frames, caches

        let port = server.port
        let deadline = ContinuousClock.now + .milliseconds(Int64(seconds * 1000))
        // Connect everyone first, then measure, so connection set-up is not counted.
        let readers = try (0..<clients).map { _ in try LoopbackHTTPClient.openStream(port: port) }
        let framesBefore = try frames(port: port)
        let cpuBefore = try server.cpuTime()
        let start = ContinuousClock.now

        let delivered = try await withThrowingTaskGroup(of: Int.self) { group in
            for reader in readers {
                let box = ReaderBox(reader)
                group.addTask {
                    try await DedicatedThread.run(name: "bench-client") { stop in
                        var count = 0
                        while ContinuousClock.now < deadline && !stop.isSet {
                            _ = try box.reader.next()
                            count += 1
                        }
                        return count
                    }
                }
            }
            return try await group.reduce(0, +)
        }

        let elapsed = (ContinuousClock.now - start).secondsValue
        let cpu = (try server.cpuTime() - cpuBefore).secondsValue * 1000
        let captured = Double(try frames(port: port) - framesBefore)
        return Result(
            capturedFps: captured / elapsed,
            deliveredFpsPerClient: Double(delivered) / Double(clients) / elapsed,
            cpuMillisecondsPerSecond: cpu / elapsed,
            cpuPerDeliveredFrame: cpu / Double(max(1, delivered)),
            cpuPerCapturedFrame: cpu / max(1, captured))
    }

    static func frames(port: Int) throws -> UInt64 {
        let reply = try LoopbackHTTPClient.get(port: port, path: "/state")
        return try JSONDecoder().decode(StateReport.self, from: Data(reply.body)).camera?.frames ?? 0
    }

    /// Hands one reader to one client thread.
    final class ReaderBox: @unchecked Sendable {
        var reader: MJPEGReader
        init(_ reader: MJPEGReader) { self.reader = reader }
    }
}
