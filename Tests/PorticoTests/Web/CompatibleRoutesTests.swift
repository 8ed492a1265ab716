#if canImport(Glibc)
import Glibc
#endif
import CameraImaging
import FoundationEssentials
import PorticoCore
import PorticoTestSupport
import Testing

/// The URLs of other streamers on a real loopback socket; the same shapes are checked
/// against ustreamer itself on the virtual board (`UStreamerCompatibilityBoardTests`).
@Suite("mjpg-streamer's and ustreamer's URLs")
struct CompatibleRoutesTests {
    static let profile = WebServerTests.profile

    static func head(port: Int, path: String) throws -> (status: Int, headers: [(name: String, value: String)]) {
        // Long enough for a first frame on a machine running every suite at once.
        let connection = try LoopbackHTTPClient.Connection(host: "127.0.0.1", port: port, timeout: .seconds(30))
        try connection.send("HEAD \(path) HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        let head = try connection.readHead(answering: .HEAD)
        // Nothing after the head: a HEAD answer has no body, whatever it announces.
        let rest = try? connection.read(upTo: 1)
        #expect(rest?.isEmpty ?? true, "HEAD \(path) sent a body")
        return head
    }

    @Test("/?action=snapshot and /?action=stream are the snapshot and the stream; / alone is the page")
    func mjpgStreamer() async throws {
        try await withDaemon(profile: Self.profile) { port in
            try await blocking {
                let snapshot = try LoopbackHTTPClient.get(port: port, path: "/?action=snapshot")
                #expect(snapshot.status == 200 && snapshot.header("Content-Type") == "image/jpeg")
                #expect(try JPEGDecoder().decodeGray(snapshot.body).size == FrameSize(width: 320, height: 240))
                var stream = try LoopbackHTTPClient.openStream(port: port, path: "/?action=stream")
                #expect(stream.head.contains { $0.name == "Content-Type" && $0.value == MJPEGStream.contentType })
                for _ in 0..<3 { #expect(try stream.next().jpeg.prefix(2) == [0xFF, 0xD8]) }
                let page = try LoopbackHTTPClient.get(port: port, path: "/?action=other")
                #expect(page.header("Content-Type")?.hasPrefix("text/html") == true)
            }
        }
    }

    @Test("HEAD on /snapshot, /stream and /?action=stream: 200, the GET's content type, no body")
    func head() async throws {
        try await withDaemon(profile: Self.profile) { port in
            try await blocking {
                for (path, type) in [("/snapshot", "image/jpeg"), ("/stream", MJPEGStream.contentType), ("/?action=stream", MJPEGStream.contentType)] {
                    let head = try Self.head(port: port, path: path)
                    #expect(head.status == 200, "HEAD \(path)")
                    #expect(head.headers.contains { $0.name.lowercased() == "content-type" && $0.value == type }, "HEAD \(path): \(head.headers)")
                }
            }
        }
    }

    @Test("/stream?key=…&extra_headers=1: the cookie names the client, each part has the X-UStreamer-* headers, /state?format=ustreamer lists it")
    func extraHeadersAndKey() async throws {
        try await withDaemon(profile: Self.profile) { port in
            try await blocking {
                var stream = try LoopbackHTTPClient.openStream(port: port, path: "/stream?key=door%20cam&extra_headers=1")
                let cookie = stream.head.first { $0.name.lowercased() == "set-cookie" }?.value ?? ""
                #expect(cookie.hasPrefix("stream_client=door%20cam/") && cookie.hasSuffix("; path=/; max-age=30"), "\(cookie)")
                let id = String(cookie.dropFirst("stream_client=door%20cam/".count).prefix { $0 != ";" })
                var part = try stream.next()
                for _ in 0..<30 { part = try stream.next() }
                for name in ["Online", "Dropped", "Width", "Height", "Client-FPS", "Grab-Time", "Encode-Begin-Time", "Encode-End-Time",
                             "Expose-Begin-Time", "Expose-Cmp-Time", "Expose-End-Time", "Send-Time", "Latency"] {
                    #expect(part.header("X-UStreamer-\(name)") != nil, "no X-UStreamer-\(name)")
                }
                #expect(part.header("X-UStreamer-Width") == "320" && part.header("X-UStreamer-Online") == "true")
                let grab = Double(part.header("X-UStreamer-Grab-Time") ?? "") ?? 0
                let begin = Double(part.header("X-UStreamer-Encode-Begin-Time") ?? "") ?? 0
                let end = Double(part.header("X-UStreamer-Encode-End-Time") ?? "") ?? 0
                let sent = Double(part.header("X-UStreamer-Send-Time") ?? "") ?? 0
                #expect(grab > 0 && grab <= begin + 0.001 && begin <= end && end <= sent, "\(grab) \(begin) \(end) \(sent)")
                #expect(Int(part.header("X-UStreamer-Client-FPS") ?? "") ?? 0 > 0)

                let state = try LoopbackHTTPClient.get(port: port, path: "/state?format=ustreamer").text
                #expect(state.contains("\"ok\" : true"), "\(state)")
                #expect(state.contains("\"\(id)\" : {"), "client \(id) not listed: \(state)")
                #expect(state.contains("\"extra_headers\" : true"))
                #expect(state.contains("\"desired_fps\" : 30"))
            }
        }
    }

    @Test("/stream?zero_data=1 sends headers with Content-Length 0; advance_headers sends each part's headers before its frame, without a length")
    func zeroDataAndAdvanceHeaders() async throws {
        try await withDaemon(profile: Self.profile) { port in
            try await blocking {
                var empty = try LoopbackHTTPClient.openStream(port: port, path: "/stream?zero_data=yes")
                for _ in 0..<3 {
                    let part = try empty.next()
                    #expect(part.header("Content-Length") == "0" && part.jpeg.isEmpty)
                }

                // Long enough for a first frame on a machine running every suite at once.
        let connection = try LoopbackHTTPClient.Connection(host: "127.0.0.1", port: port, timeout: .seconds(30))
                try connection.send("GET /stream?advance_headers=1 HTTP/1.1\r\nHost: x\r\n\r\n")
                let head = try connection.readHead()
                var body = LoopbackHTTPClient.BodyReader(connection: connection)
                #expect(try body.readLine() == "--boundarydonotcross")
                #expect(try body.readLine() == "Content-Type: image/jpeg")
                #expect(try body.readLine().hasPrefix("X-Timestamp: "))
                #expect(try body.readLine() == "")
                #expect(try body.readExactly(2) == [0xFF, 0xD8], "the frame follows its advance headers")
            }
        }
    }

    @Test("ustreamer's flags read as ustreamer reads them; a key is percent-encoded and bounded")
    func options() {
        let on = StreamOptions { ["extra_headers": "1", "advance_headers": "yes", "dual_final_frames": "TRUE", "zero_data": "y"][$0] }
        #expect(on.extraHeaders && on.advanceHeaders && on.dualFinalFrames && on.zeroData)
        let off = StreamOptions { ["extra_headers": "0", "advance_headers": "no", "dual_final_frames": "", "zero_data": "on"][$0] }
        #expect(!off.extraHeaders && !off.advanceHeaders && !off.dualFinalFrames && !off.zeroData)
        #expect(StreamOptions { $0 == "key" ? "a b;\r\nSet-Cookie: x" : nil }.key == "a%20b%3B%0D%0ASet-Cookie%3A%20x")
        #expect(StreamOptions { $0 == "key" ? String(repeating: "é", count: 100) : nil }.key!.utf8.count <= StreamOptions.maximumKeyLength)
    }
}
