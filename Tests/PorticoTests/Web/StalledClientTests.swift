#if canImport(Glibc)
import Glibc
#endif
import FoundationEssentials
import PorticoCore
import PorticoTestSupport
import Testing

@Suite("A stalled stream client", .serialized)
struct StalledClientTests {
    @Test("neither slows a reading client nor grows the server's memory")
    func stalledClient() async throws {
        // Large frames, so frames piling up for the stalled client would show in memory at once.
        let server = try ServerProcess(profile: """
            name = "stall"
            [camera]
            source = "test-pattern"
            size = "1920x1080"
            fps = 20
            quality = 95
            """)
        defer { server.stop() }
        let port = server.port

        try await blocking {
            try server.waitUntilReady()
            // Connected, asked for the stream, never reads a byte: its socket buffers fill
            // and the server can only keep or drop what it would send next.
            let stalled = try LoopbackHTTPClient.Connection(host: "127.0.0.1", port: port, timeout: .seconds(30))
            var small: Int32 = 4096
            setsockopt(stalled.fd, SOL_SOCKET, SO_RCVBUF, &small, socklen_t(MemoryLayout<Int32>.size))
            try stalled.send("GET /stream HTTP/1.1\r\nHost: x\r\n\r\n")

            var reader = try LoopbackHTTPClient.openStream(port: port)
            for _ in 0..<10 { _ = try reader.next() }  // let the stalled client's buffers fill
            let before = try residentKiB(server.pid)

            let start = ContinuousClock.now
            let frames = 80
            for _ in 0..<frames { _ = try reader.next() }
            let elapsed = (ContinuousClock.now - start).secondsValue
            let after = try residentKiB(server.pid)

            let state = try JSONDecoder().decode(
                StateReport.self, from: Data(LoopbackHTTPClient.get(port: port, path: "/state").body))
            #expect(state.camera?.stream_clients == 2, "the stalled client is still connected")
            // 80 frames at 20 fps take 4 s; the reader is not held back by the stalled one.
            #expect(elapsed < 6, "80 frames took \(elapsed) s")
            // Those 80 frames are about 80 x 180 KiB = 14 MiB; none of it may pile up.
            #expect(after - before < 6 * 1024, "resident memory grew from \(before) KiB to \(after) KiB")
            withExtendedLifetime(stalled) {}
        }
    }
}

/// VmRSS of a process, from /proc.
func residentKiB(_ pid: pid_t) throws -> Int {
    let status = try Repository.readAbsolute("/proc/\(pid)/status")
    guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
          let kib = Int(line.split(separator: " ").dropFirst().first ?? "")
    else { throw TestFailure("no VmRSS for \(pid)") }
    return kib
}
