#if canImport(Glibc)
import Glibc
#endif
import CameraImaging
import FoundationEssentials
import PorticoCore
import PorticoTestSupport
import Testing

/// The v4l2 camera against the virtual board's real vivid device. Run by
/// `scripts/test-board`; skipped outside the board.
@Suite("V4L2 camera on the virtual board", .serialized, .tags(.board), .enabled(if: VirtualBoard.isInside, "needs the virtual board (scripts/test-board)"))
struct V4L2BoardTests {
    static func start(_ profile: String = VirtualBoard.profile()) throws -> ServerProcess {
        let server = try ServerProcess(profile: profile)
        try server.waitUntilReady()
        _ = try VirtualBoard.waitForSignal(port: server.port, live: true)
        return server
    }

    @Test("/snapshot is a whole picture of the profile's size")
    func snapshot() async throws {
        let server = try Self.start()
        defer { server.stop() }
        try await blocking {
            let reply = try LoopbackHTTPClient.get(port: server.port, path: "/snapshot")
            #expect(reply.status == 200)
            #expect(reply.header("Content-Type") == "image/jpeg")
            let decoder = try JPEGDecoder()
            let (content, size) = try FrameContent.of(reply.body, decoder: decoder)
            #expect(size == FrameSize(width: 640, height: 480))
            #expect(content == .camera)
        }
    }

    @Test("consecutive /stream frames differ and are stamped in order")
    func framesDiffer() async throws {
        let server = try Self.start()
        defer { server.stop() }
        try await blocking {
            var reader = try LoopbackHTTPClient.openStream(port: server.port)
            var previous = try reader.next()
            for _ in 0..<5 {
                let part = try reader.next()
                #expect(part.jpeg != previous.jpeg, "two consecutive frames are byte for byte the same")
                let before = Double(previous.header("X-Timestamp") ?? "") ?? 0
                let now = Double(part.header("X-Timestamp") ?? "") ?? 0
                #expect(now > before, "X-Timestamp \(now) does not follow \(before)")
                previous = part
            }
        }
    }

    @Test("a client gets the device's rate: vivid gives 25 fps at 640x480")
    func deliveredRate() async throws {
        let server = try Self.start()
        defer { server.stop() }
        try await blocking {
            var reader = try LoopbackHTTPClient.openStream(port: server.port)
            for _ in 0..<10 { _ = try reader.next() }  // warm up
            let before = try VirtualBoard.state(port: server.port)
            let start = ContinuousClock.now
            var delivered = 0
            while ContinuousClock.now - start < .seconds(5) {
                _ = try reader.next()
                delivered += 1
            }
            let elapsed = (ContinuousClock.now - start).secondsValue
            let after = try VirtualBoard.state(port: server.port)
            let fps = Double(delivered) / elapsed
            let published = Double(after.camera!.frames - before.camera!.frames) / elapsed
            #expect(fps > 22 && fps < 27, "delivered \(fps) fps")
            #expect(fps >= published * 0.95, "delivered \(fps) fps of the \(published) published")
            #expect(after.camera!.captured_fps > 22, "captured \(after.camera!.captured_fps) fps")
            #expect(after.camera!.clients.count == 1)
        }
    }

    @Test("a size the camera does not offer fails probe, naming the sizes it does")
    func unsupportedSize() throws {
        let path = try temporaryProfile(VirtualBoard.profile(size: "1000x600"))
        defer { unlink(path) }
        let result = try Subprocess.run(["probe", "--profile", path])
        #expect(result.status == 2, "\(result.output)\n\(result.error)")
        #expect(result.error.contains("\(path):5:8: camera.size: 1000x600 is not offered by \(VirtualBoard.video)"), "\(result.error)")
        for size in ["320x180", "640x360", "640x480", "1280x720", "1920x1080"] {
            #expect(result.error.contains("\"\(size)\""), "\(size) is not in the list: \(result.error)")
        }
        #expect(result.output.contains("YUYV (YUYV 4:2:2): 320x180 (up to"), "\(result.output)")

        let good = try temporaryProfile(VirtualBoard.profile())
        defer { unlink(good) }
        let accepted = try Subprocess.run(["probe", "--profile", good])
        #expect(accepted.status == 0, "\(accepted.output)\n\(accepted.error)")
        #expect(accepted.output.contains("supported, as YUYV"))
    }

    @Test("unplugged and unloaded: NO SIGNAL frames keep coming, the camera comes back by itself, nothing leaks (3 times)")
    func unplugAndReturn() async throws {
        let server = try Self.start()
        defer { server.stop() }
        try await blocking {
            let decoder = try JPEGDecoder()
            var reader = try LoopbackHTTPClient.openStream(port: server.port, timeout: .seconds(20))
            /// Reads until `count` frames in a row show `wanted`, within `limit`.
            func expectRun(_ wanted: FrameContent, count: Int, within limit: Duration) throws {
                let deadline = ContinuousClock.now + limit
                var run = 0
                while run < count {
                    guard ContinuousClock.now < deadline else { throw TestFailure("no \(count) \(wanted) frames in a row within \(limit)") }
                    let (content, size) = try FrameContent.of(try reader.next().jpeg, decoder: decoder)
                    #expect(size == FrameSize(width: 640, height: 480))
                    run = content == wanted ? run + 1 : 0
                }
            }
            try expectRun(.camera, count: 5, within: .seconds(10))
            let descriptors = VirtualBoard.descriptors(of: server.pid)
            let mappings = try VirtualBoard.captureMappings(of: server.pid)
            #expect(mappings == 4, "capture buffers mapped: \(mappings)")

            for cycle in 1...3 {
                try VirtualBoard.unplug()
                let lost = try VirtualBoard.waitForSignal(port: server.port, live: false)
                #expect(lost.camera!.signal_detail.contains(VirtualBoard.video), "\(lost.camera!.signal_detail)")
                try expectRun(.noSignal, count: 3, within: .seconds(10))
                // Unloading succeeds only once nothing holds the device: portico let go of it.
                var unloaded = try VirtualBoard.command(["rmmod", "vivid"])
                let deadline = ContinuousClock.now + .seconds(5)
                while unloaded.status != 0 && ContinuousClock.now < deadline {
                    usleep(200_000)
                    unloaded = try VirtualBoard.command(["rmmod", "vivid"])
                }
                #expect(unloaded.status == 0, "cycle \(cycle): rmmod vivid: \(unloaded.error)")
                #expect(try VirtualBoard.captureMappings(of: server.pid) == 0)
                try expectRun(.noSignal, count: 3, within: .seconds(10))
                let absent = try VirtualBoard.state(port: server.port)
                #expect(absent.camera!.signal == "no-signal")
                #expect(absent.camera!.signal_detail.contains("No such file or directory"), "\(absent.camera!.signal_detail)")

                let loaded = try VirtualBoard.command(["modprobe", "vivid"])
                #expect(loaded.status == 0, "cycle \(cycle): modprobe vivid: \(loaded.error)")
                _ = try VirtualBoard.waitForSignal(port: server.port, live: true)
                try expectRun(.camera, count: 5, within: .seconds(10))
            }
            #expect(try VirtualBoard.captureMappings(of: server.pid) == mappings)
            // Sockets of the /state requests may still be closing: compare a settled count.
            var after = VirtualBoard.descriptors(of: server.pid)
            let deadline = ContinuousClock.now + .seconds(3)
            while after.count > descriptors.count && ContinuousClock.now < deadline {
                usleep(100_000)
                after = VirtualBoard.descriptors(of: server.pid)
            }
            #expect(after.count <= descriptors.count, "descriptors before: \(descriptors)\nafter 3 cycles: \(after)")
            #expect(after.filter { $0 == VirtualBoard.video }.count == 1, "\(after)")
        }
    }

    @Test("a camera another program is streaming from: NO SIGNAL saying so, then capture once it lets go")
    func busyCamera() async throws {
        let other = try Subprocess(["v4l2-ctl", "-d", VirtualBoard.video, "--stream-mmap"], executable: "/usr/bin/env")
        // It prints a '<' per frame on stderr: streaming, so the camera is taken before portico starts.
        try eventually(.seconds(10), "v4l2-ctl streaming") { other.errorOutput.contains("<") }
        let server = try ServerProcess(profile: VirtualBoard.profile())
        defer { server.stop() }
        try await blocking {
            try server.waitUntilReady()
            let busy = try VirtualBoard.waitForSignal(port: server.port, live: false)
            #expect(busy.camera!.signal_detail.contains("another program is using the camera"), "\(busy.camera!.signal_detail)")
            let decoder = try JPEGDecoder()
            let reply = try LoopbackHTTPClient.get(port: server.port, path: "/snapshot")
            #expect(try FrameContent.of(reply.body, decoder: decoder).0 == .noSignal)
            other.signal(SIGTERM)
            _ = try other.wait(timeout: .seconds(10))
            _ = try VirtualBoard.waitForSignal(port: server.port, live: true)
            var reader = try LoopbackHTTPClient.openStream(port: server.port)
            var content = FrameContent.noSignal
            for _ in 0..<10 where content != .camera { content = try FrameContent.of(try reader.next().jpeg, decoder: decoder).0 }
            #expect(content == .camera)
        }
    }

    @Test("10 stream clients get every frame while an 11th never reads")
    func tenClientsAndAStalledOne() async throws {
        let server = try Self.start()
        defer { server.stop() }
        let port = server.port
        // Connected, asked for the stream, never reads: its buffers fill and stay full.
        let stalled = try LoopbackHTTPClient.Connection(host: "127.0.0.1", port: port, timeout: .seconds(30))
        var small: Int32 = 4096
        setsockopt(stalled.fd, SOL_SOCKET, SO_RCVBUF, &small, socklen_t(MemoryLayout<Int32>.size))
        try stalled.send("GET /stream HTTP/1.1\r\nHost: x\r\n\r\n")

        let readers = 10
        let stop = StopFlag()
        let reading = Task {
            try await withThrowingTaskGroup(of: [Double].self) { group in
                for _ in 0..<readers {
                    group.addTask {
                        try await blocking {
                            var reader = try LoopbackHTTPClient.openStream(port: port)
                            var stamps: [Double] = []
                            while !stop.isSet {
                                do {
                                    stamps.append(Double(try reader.next().header("X-Timestamp") ?? "") ?? 0)
                                } catch {
                                    throw TestFailure("a reader's stream broke after \(stamps.count) frames: \(error)")
                                }
                            }
                            return stamps
                        }
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
        }
        // Everyone connected and reading, and the stalled client's socket buffers full (the
        // kernel takes a few MB before its writes stop); then a window measured on the
        // server's own counts.
        let (before, opened) = try await blocking { () -> (StateReport, Double) in
            let deadline = ContinuousClock.now + .seconds(30)
            var previous: UInt64?
            while ContinuousClock.now < deadline {
                usleep(1_000_000)
                let state = try VirtualBoard.state(port: port)
                let clients = state.camera!.clients
                if clients.count == readers + 1, clients[0].delivered == previous {
                    return (state, WallClock.now)
                }
                previous = clients.first?.delivered
            }
            throw TestFailure("the stalled client's buffers did not fill within 30 s")
        }
        try await Task.sleep(for: .seconds(5))
        let (after, closed) = try await blocking { (try VirtualBoard.state(port: port), WallClock.now) }
        stop.set()
        let results = try await reading.value
        withExtendedLifetime(stalled) {}

        let clientsBefore = Dictionary(uniqueKeysWithValues: before.camera!.clients.map { ($0.id, $0) })
        let clients = after.camera!.clients
        #expect(clients.count == readers + 1, "\(clients)")
        // The stalled client connected first: it got nothing in the window, everyone else everything.
        #expect(clients.first!.delivered == clientsBefore[clients.first!.id]!.delivered, "\(clients)")
        for client in clients.dropFirst() {
            let skipped = client.skipped - (clientsBefore[client.id]?.skipped ?? 0)
            let delivered = client.delivered - (clientsBefore[client.id]?.delivered ?? 0)
            #expect(skipped == 0, "client \(client.id) skipped \(skipped) frames in the window")
            #expect(Double(delivered) / (closed - opened) > 22, "client \(client.id): \(delivered) frames in \(closed - opened) s")
        }
        // And as the readers saw it: the same frames, every one of them.
        let window = results.map { $0.filter { $0 > opened + 0.2 && $0 < closed - 0.2 } }
        for stamps in window {
            #expect(stamps == window[0], "readers saw different frames: \(stamps.count) vs \(window[0].count)")
        }
    }
}
