#if canImport(Glibc)
import Glibc
#endif
import CameraImaging
import FoundationEssentials
import PorticoCore
import PorticoTestSupport
import Testing

@Suite("HTTP on a real loopback socket")
struct WebServerTests {
    static let profile = """
        name = "porch"
        [camera]
        source = "test-pattern"
        size = "320x240"
        fps = 30
        quality = 70
        """

    @Test("/snapshot is a JPEG of the profile's size, with ustreamer's headers")
    func snapshot() async throws {
        try await withDaemon(profile: Self.profile) { port in
            let reply = try await blocking { try LoopbackHTTPClient.get(port: port, path: "/snapshot") }
            #expect(reply.status == 200)
            #expect(reply.header("Content-Type") == "image/jpeg")
            #expect(reply.header("Cache-Control")?.hasPrefix("no-store") == true)
            #expect(reply.header("Access-Control-Allow-Origin") == "*")
            #expect(Double(reply.header("X-Timestamp") ?? "") != nil)
            let decoded = try JPEGDecoder().decodeGray(reply.body)
            #expect(decoded.size == FrameSize(width: 320, height: 240))
        }
    }

    @Test("/stream yields at least 10 distinct, decodable frames in ustreamer's multipart format")
    func stream() async throws {
        try await withDaemon(profile: Self.profile) { port in
            let (head, parts) = try await blocking {
                var reader = try LoopbackHTTPClient.openStream(port: port)
                var parts: [MJPEGReader.Part] = []
                for _ in 0..<12 { parts.append(try reader.next()) }
                return (reader.head.map { "\($0.name): \($0.value)" }, parts)
            }
            #expect(head.contains("Content-Type: multipart/x-mixed-replace;boundary=boundarydonotcross"))
            #expect(head.contains { $0.hasPrefix("Cache-Control: no-store") })
            let decoder = try JPEGDecoder()
            var distinct = Set<[UInt8]>()
            var timestamps: [Double] = []
            for part in parts {
                #expect(try decoder.decodeGray(part.jpeg).size == FrameSize(width: 320, height: 240))
                distinct.insert(part.jpeg)
                timestamps.append(Double(part.header("X-Timestamp") ?? "") ?? 0)
            }
            #expect(distinct.count >= 10)
            #expect(timestamps == timestamps.sorted() && timestamps.first! > 0)
        }
    }

    @Test("idle slowdown: a frame a second with nobody watching; a viewer's fresh frames come at the full rate at once; /snapshot is fresh")
    func idleSlowdown() async throws {
        try await withDaemon(profile: Self.profile) { port in
            try await blocking {
                func published() throws -> UInt64 {
                    try JSONDecoder().decode(StateReport.self, from: Data(LoopbackHTTPClient.get(port: port, path: "/state").body)).camera!.frames
                }
                usleep(1_500_000)
                let idleFrom = try published()
                usleep(3_000_000)
                let idle = try published() - idleFrom
                #expect((2...5).contains(idle), "about one frame a second idle, not 30: \(idle) in 3 s")

                let asked = WallClock.now
                let snapshot = try LoopbackHTTPClient.get(port: port, path: "/snapshot")
                let taken = Double(snapshot.header("X-Timestamp") ?? "") ?? 0
                #expect(taken >= asked - 0.25, "a snapshot is a frame from after the request (or within 250 ms): \(asked - taken) s old")

                var reader = try LoopbackHTTPClient.openStream(port: port)
                let connected = WallClock.now
                var fresh: [Double] = []
                while fresh.count < 30 {
                    let part = try reader.next()
                    let stamp = Double(part.header("X-Timestamp") ?? "") ?? 0
                    if stamp >= connected { fresh.append(WallClock.now) }
                }
                // Idle, the next frame would be up to a second away: a fresh one well within
                // that shows the first client woke the camera. How soon (one frame interval)
                // is the board's figure (IdleSlowdownBoardTests); a loaded test machine
                // delays this process by a few hundred milliseconds at times.
                #expect(fresh[0] - connected < 0.5, "first fresh frame after \(fresh[0] - connected) s")
                #expect(fresh[29] - fresh[0] < 1.5, "29 more frames in \(fresh[29] - fresh[0]) s")
            }
        }
    }

    @Test("/state parses and says what runs, with the camera's figures and stream clients")
    func state() async throws {
        try await withDaemon(profile: Self.profile) { port in
            let (state, clients) = try await blocking { () -> (StateReport, Int) in
                var reader = try LoopbackHTTPClient.openStream(port: port)
                for _ in 0..<20 { _ = try reader.next() }  // 20 frames at 30 fps: the rate is measurable
                let reply = try LoopbackHTTPClient.get(port: port, path: "/state")
                #expect(reply.header("Content-Type") == "application/json")
                let state = try JSONDecoder().decode(StateReport.self, from: Data(reply.body))
                return (state, state.camera?.stream_clients ?? -1)
            }
            #expect(state.name == "porch")
            #expect(state.profile == "test.toml")
            #expect(state.version == PorticoVersion.current)
            let camera = try #require(state.camera)
            #expect(camera.source == "test-pattern")
            #expect(camera.size == "320x240" && camera.width == 320 && camera.height == 240)
            #expect(camera.fps == 30 && camera.quality == 70)
            #expect(camera.frames >= 20)
            #expect(camera.captured_fps > 5 && camera.captured_fps < 40)
            #expect(clients == 1)
            #expect(state.pieces.map(\.section) == ["camera", "mapping", "election", "pan_tilt", "switch"])
            #expect(state.pieces.map(\.status) == ["started", "absent", "absent", "absent", "absent"])
        }
    }

    @Test("a board without a camera starts none, and says so")
    func noCamera() async throws {
        try await withDaemon(profile: "name = \"relay\"\n") { port in
            let (state, snapshot, stream, page) = try await blocking {
                let state = try JSONDecoder().decode(
                    StateReport.self, from: Data(LoopbackHTTPClient.get(port: port, path: "/state").body))
                return (state,
                        try LoopbackHTTPClient.get(port: port, path: "/snapshot"),
                        try LoopbackHTTPClient.get(port: port, path: "/stream"),
                        try LoopbackHTTPClient.get(port: port, path: "/"))
            }
            #expect(state.camera == nil)
            let camera = try #require(state.pieces.first { $0.section == "camera" })
            #expect(camera.status == "absent")
            #expect(camera.plugin == nil)
            #expect(camera.detail == "no [camera] section in test.toml")
            #expect(snapshot.status == 404 && snapshot.text.contains("no camera"))
            #expect(stream.status == 404)
            #expect(page.status == 200 && page.text.contains("This board has no camera"))
        }
    }

    @Test("the page shows the camera's name and its stream")
    func page() async throws {
        try await withDaemon(profile: Self.profile) { port in
            let reply = try await blocking { try LoopbackHTTPClient.get(port: port, path: "/") }
            #expect(reply.status == 200)
            #expect(reply.header("Content-Type")?.hasPrefix("text/html") == true)
            #expect(reply.text.contains("<title>porch · Portico</title>"))
            #expect(reply.text.contains(#"<img id="live" src="/stream""#))
            // No site: no way back to a directory, and / and /camera are the same page.
            #expect(!reply.text.contains(#"id="back""#))
            let camera = try await blocking { try LoopbackHTTPClient.get(port: port, path: "/camera") }
            #expect(camera.status == 200 && camera.text.contains(#"<h1 id="name">porch</h1>"#))
        }
    }
}
