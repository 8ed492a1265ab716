#if canImport(Glibc)
import Glibc
#endif
import Dispatch
import PorticoCore
import Synchronization
import Testing

@testable import UPnPMapping

/// How a control action reaches the router: the HTTP request, the answer's framing, and
/// the hedged exchange over real loopback sockets.
@Suite("UPnP control exchanges")
struct UPnPExchangeTests {
    static let service = WANConnectionService(
        serviceType: "urn:schemas-upnp-org:service:WANIPConnection:2", controlURL: "http://198.51.100.1:5000/ctl/IPConn")

    @Test("the request is an HTTP POST of the envelope, with the SOAPAction header and its length")
    func request() throws {
        let request = try ControlRequest(IGDActions.getExternalIPAddress, to: Self.service)
        #expect(request.host == "198.51.100.1" && request.port == 5000)
        let text = String(decoding: request.bytes, as: UTF8.self)
        let parts = text.split(separator: "\r\n\r\n", maxSplits: 1)
        #expect(parts[0].hasPrefix("POST /ctl/IPConn HTTP/1.1\r\nHost: 198.51.100.1:5000\r\n"))
        #expect(parts[0].contains("SOAPAction: \"urn:schemas-upnp-org:service:WANIPConnection:2#GetExternalIPAddress\""))
        #expect(parts[0].contains("Content-Length: \(parts[1].utf8.count)"))
        #expect(parts[1].contains("<u:GetExternalIPAddress xmlns:u=\"urn:schemas-upnp-org:service:WANIPConnection:2\">"))
    }

    @Test("a control URL without an IPv4 address or with a bad port is refused, saying which", arguments: [
        "http://router.lan:5000/ctl", "https://198.51.100.1/ctl", "http://198.51.100.1:0/ctl", "http://198.51.100.1:x/ctl",
    ])
    func badControlURL(url: String) throws {
        let error = try #require(throws: MappingError.self) {
            try ControlRequest(IGDActions.getExternalIPAddress, to: WANConnectionService(serviceType: "urn:x", controlURL: url))
        }
        #expect(error.code == .malformedReply)
        #expect(error.message.contains(url))
    }

    @Test("answers framed by Content-Length, chunked, or by closing, each arriving a byte at a time")
    func framing() throws {
        func feed(_ text: String) throws -> (HTTPResponse?, HTTPResponse.Reader) {
            var reader = HTTPResponse.Reader()
            for byte in text.utf8 {
                if let response = try reader.append([byte]) { return (response, reader) }
            }
            return (nil, reader)
        }
        let sized = try feed("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nCONTENT-TYPE: text/xml\r\n\r\nhello")
        #expect(sized.0 == HTTPResponse(status: 200, body: Array("hello".utf8)))
        let chunked = try feed("HTTP/1.1 500 Internal Server Error\r\nTransfer-Encoding: chunked\r\n\r\n3;x=y\r\nabc\r\n2\r\nde\r\n0\r\n\r\n")
        #expect(chunked.0 == HTTPResponse(status: 500, body: Array("abcde".utf8)))
        let open = try feed("HTTP/1.0 200 OK\r\nServer: x\r\n\r\nuntil close")
        #expect(open.0 == nil)
        #expect(try open.1.closed() == HTTPResponse(status: 200, body: Array("until close".utf8)))
        let cut = try feed("HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\nshort")
        #expect(cut.0 == nil)
        #expect(try #require(throws: MappingError.self) { try cut.1.closed() }.message.contains("before the end"))
    }

    @Test("an answer of a thousand one-byte chunks, arriving a byte at a time, is decoded whole")
    func manySmallChunks() throws {
        let body = (0..<1000).map { UInt8(ascii: "a") + UInt8($0 % 26) }
        let text = Array("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n".utf8)
            + body.flatMap { Array("1\r\n".utf8) + [$0] + Array("\r\n".utf8) } + Array("0\r\n\r\n".utf8)
        var reader = HTTPResponse.Reader()
        var response: HTTPResponse?
        var fed = 0
        for byte in text where response == nil {
            response = try reader.append([byte])
            fed += 1
        }
        #expect(response == HTTPResponse(status: 200, body: body))
        #expect(fed == text.count - 2, "whole once the last chunk's size line is there; trailers are not waited for")
    }

    @Test("broken or oversized answers are malformed replies", arguments: [
        ("SSH-2.0-OpenSSH\r\n\r\n", "not answer in HTTP"),
        ("HTTP/1.1 200 OK\r\nContent-Length: -4\r\n\r\n", "Content-Length '-4'"),
        ("HTTP/1.1 200 OK\r\nContent-Length: 99999999\r\n\r\n", "more than 64 KiB"),
        ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", "chunk size 'zz'"),
        ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nFFFFFFF\r\n", "more than 64 KiB"),
        // A first chunk, then a size near Int.max: the sum with what was read used to trap.
        ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n7FFFFFFFFFFFFFFF\r\n", "more than 64 KiB"),
        ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n7FFFFFFFFFFFFFFD\r\n", "more than 64 KiB"),
        ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n10000000000000000\r\n", "chunk size '10000000000000000'"),
        ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n-1\r\n", "chunk size '-1'"),
        ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n+3\r\nabc\r\n0\r\n\r\n", "chunk size '+3'"),
        ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3;" + String(repeating: "x", count: 2000), "chunk size line of more than 1 KiB"),
    ])
    func brokenFraming(text: String, mentions: String) throws {
        var reader = HTTPResponse.Reader()
        let error = try #require(throws: MappingError.self) { _ = try reader.append(Array(text.utf8)) }
        #expect(error.code == .malformedReply)
        #expect(error.message.contains(mentions), "\(error)")
    }

    @Test("an endless header or body is cut off at the limit")
    func endless() throws {
        var reader = HTTPResponse.Reader()
        let error = try #require(throws: MappingError.self) {
            _ = try reader.append(Array("HTTP/1.1 200 OK\r\n".utf8))
            for _ in 0..<100 { _ = try reader.append([UInt8](repeating: 65, count: 1024)) }
        }
        #expect(error.code == .malformedReply)
    }

    @Test("the stagger is four times the router's fastest recent answer, at least 100 ms")
    func pacing() {
        var pacing = HedgePacing()
        #expect(pacing.stagger == .milliseconds(100))
        pacing.answered(in: .milliseconds(2))
        pacing.answered(in: .seconds(1))  // a lost SYN says nothing about the router
        #expect(pacing.stagger == .milliseconds(100))
        pacing.answered(in: .milliseconds(40))
        #expect(pacing.stagger == .milliseconds(100), "the fastest counts: 2 ms")
        for _ in 0..<8 { pacing.answered(in: .milliseconds(400)) }  // a slow router
        #expect(pacing.stagger == .milliseconds(1600))
    }

    @Test("after loss, exchanges open two connections at once; after eight clean ones, one again")
    func openingAfterLoss() {
        var pacing = HedgePacing()
        pacing.answered(in: .milliseconds(20))
        #expect(pacing.opening() == 1)
        pacing.answered(in: .milliseconds(20), attempts: 2)  // the first connection lost a packet
        #expect(pacing.opening() == 2)
        for _ in 0..<7 { pacing.answered(in: .milliseconds(20), attempts: 2) }  // two opened, the first answered
        #expect(pacing.opening() == 2, "the lossy one is among the last eight")
        pacing.answered(in: .milliseconds(20), attempts: 2)
        #expect(pacing.opening() == 1)
        pacing.answered(in: .milliseconds(230))  // a retransmitted segment: slower than the 100 ms stagger
        #expect(pacing.opening() == 2)
        var silent = HedgePacing()
        silent.unanswered()
        #expect(silent.opening() == 2)
    }

    @Test("each further connection of an exchange waits twice as long as the one before, up to 1 s")
    func doublingWaits() {
        let waits = (0..<6).map { HedgePacing.wait(after: $0, first: .milliseconds(100)) }
        #expect(waits == [.milliseconds(100), .milliseconds(200), .milliseconds(400), .milliseconds(800), .seconds(1), .seconds(1)])
        // A slow router's stagger is over the ceiling already: it stays.
        #expect(HedgePacing.wait(after: 3, first: .milliseconds(1600)) == .milliseconds(1600))
    }

    @Test("an exchange no failover waits for opens one connection, even after loss")
    func notUrgent() {
        var pacing = HedgePacing()
        pacing.unanswered()
        #expect(pacing.opening(urgent: true) == 2)
        #expect(pacing.opening(urgent: false) == 1)
    }

    @Test("an exchange no failover waits for waits 400 ms before a second connection, or the stagger if longer")
    func patientWait() {
        var pacing = HedgePacing()
        pacing.answered(in: .milliseconds(10))
        #expect(pacing.firstWait(urgent: true) == .milliseconds(100))
        #expect(pacing.firstWait(urgent: false) == .milliseconds(400))
        var slow = HedgePacing()
        slow.answered(in: .milliseconds(300))
        #expect(slow.firstWait(urgent: false) == .milliseconds(1200))
    }

    // MARK: - Over sockets

    @Test("a router that reads nothing is sent further connections at doubling waits, not every stagger")
    func doublingOverSockets() throws {
        let server = try LoopbackServer()
        let accepted = Mutex<[ContinuousClock.Instant]>([])
        let serving = server.serve {
            let end = ContinuousClock.now + .milliseconds(2200)
            var open: [Int32] = []
            while ContinuousClock.now < end {
                var descriptor = pollfd(fd: server.socket, events: Int16(POLLIN), revents: 0)
                guard poll(&descriptor, 1, 20) > 0 else { continue }
                open.append(server.accept())
                accepted.withLock { $0.append(.now) }
            }
            open.forEach { close($0) }
        }
        let exchange = HedgedExchange(
            request: try server.request(), localAddress: "127.0.0.1", stagger: .milliseconds(100), maximumAttempts: 8,
            timeout: .milliseconds(1650))
        let error = try #require(throws: MappingError.self) { try exchange.runBlocking(stop: StopFlag()).get() }
        serving.wait()
        #expect(error.code == .unreachable)
        // At 0, 100, 300, 700 and 1500 ms; a fixed 100 ms stagger would have opened all 8.
        let times = accepted.withLock { $0 }
        let gaps = zip(times.dropFirst(), times).map { $0 - $1 }
        // Fewer only on a machine too busy to open the fifth before the timeout; the gaps
        // as the server accepted them, which can shift one by the listener's jitter.
        #expect((4...5).contains(times.count), "\(gaps)")
        #expect(gaps.count >= 3 && gaps[2] >= .milliseconds(300), "\(gaps)")
    }

    static let answer = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"

    /// What a client saw of a router that reads two requests, answers only the second,
    /// and then waits to see how the first connection ends (0 closed, else the errno).
    struct SecondAnswered {
        let answer: HedgedExchange.Answer
        let took: Duration
        let firstEnded: Int?
    }

    static func secondAnswered(_ exchange: (ControlRequest) -> HedgedExchange) throws -> SecondAnswered {
        let server = try LoopbackServer()
        let firstEnded = Mutex<Int?>(nil)
        let serving = server.serve {
            let first = server.accept()
            _ = server.readRequest(first)  // read, never answered: as if the answer were lost
            let second = server.accept()
            _ = server.readRequest(second)
            server.write(second, Self.answer)
            close(second)
            firstEnded.withLock { $0 = server.waitForEnd(first) }
            close(first)
        }
        let started = ContinuousClock.now
        let answer = try exchange(try server.request()).runBlocking(stop: StopFlag()).get()
        let took = ContinuousClock.now - started
        serving.wait()
        return SecondAnswered(answer: answer, took: took, firstEnded: firstEnded.withLock { $0 })
    }

    @Test("opening two: both connections at once, the first answer wins, the other is reset")
    func openingTwo() throws {
        let seen = try Self.secondAnswered { request in
            var exchange = HedgedExchange(request: request, localAddress: "127.0.0.1", stagger: .seconds(2), maximumAttempts: 4, timeout: .seconds(3))
            exchange.opening = 2
            return exchange
        }
        #expect(seen.answer.response == HTTPResponse(status: 200, body: Array("ok".utf8)))
        #expect(seen.answer.attempts == 2)
        #expect(seen.took < .seconds(1), "the second connection did not wait for the 2 s stagger: \(seen.took)")
        #expect(seen.firstEnded == Int(ECONNRESET))
    }

    @Test("a connection that is not answered is overtaken by a second one, and reset when that answers")
    func overtaken() throws {
        let seen = try Self.secondAnswered { request in
            HedgedExchange(request: request, localAddress: "127.0.0.1", stagger: .milliseconds(150), maximumAttempts: 4, timeout: .seconds(3))
        }
        #expect(seen.answer.response == HTTPResponse(status: 200, body: Array("ok".utf8)))
        #expect(seen.answer.attempts == 2)
        #expect(seen.took >= .milliseconds(150) && seen.took < .seconds(1), "\(seen.took)")
        #expect(seen.firstEnded == Int(ECONNRESET), "the unanswered connection is reset, not left open")
    }

    @Test("a router that never answers: every connection tried, then a timeout naming the action")
    func silent() throws {
        let server = try LoopbackServer()  // accepts (backlog) and never reads
        let exchange = HedgedExchange(
            request: try server.request(), localAddress: "127.0.0.1", stagger: .milliseconds(50), maximumAttempts: 3, timeout: .milliseconds(600))
        let started = ContinuousClock.now
        let error = try #require(throws: MappingError.self) { try exchange.runBlocking(stop: StopFlag()).get() }
        #expect(ContinuousClock.now - started >= .milliseconds(600))
        #expect(error.code == .unreachable)
        #expect(error.message.contains("GetExternalIPAddress: the router did not answer within"))
    }

    @Test("a closed port fails at once as unreachable, not after the timeout")
    func refused() throws {
        let request = try { () throws -> ControlRequest in try LoopbackServer().request() }()  // closed again at once
        let exchange = HedgedExchange(request: request, localAddress: "127.0.0.1", stagger: .milliseconds(50), maximumAttempts: 3, timeout: .seconds(5))
        let started = ContinuousClock.now
        let error = try #require(throws: MappingError.self) { try exchange.runBlocking(stop: StopFlag()).get() }
        #expect(ContinuousClock.now - started < .seconds(1))
        #expect(error.code == .unreachable)
        #expect(error.message.contains("Connection refused"), "\(error)")
    }

    @Test("a garbled answer ends the exchange as malformed; no other connection is opened for it")
    func garbled() throws {
        let server = try LoopbackServer()
        let serving = server.serve {
            let connection = server.accept()
            _ = server.readRequest(connection)
            server.write(connection, "\u{1}\u{2}garbage\r\n\r\n")
            close(connection)
        }
        let exchange = HedgedExchange(request: try server.request(), localAddress: "127.0.0.1", stagger: .milliseconds(500), maximumAttempts: 3, timeout: .seconds(3))
        let outcome = exchange.runBlocking(stop: StopFlag())
        serving.wait()
        let error = try #require(throws: MappingError.self) { try outcome.get() }
        #expect(error.code == .malformedReply)
        #expect(error.message.contains("GetExternalIPAddress"))
    }
}

private final class ServeBox: Sendable {
    let body: @Sendable () -> Void
    init(_ body: @escaping @Sendable () -> Void) { self.body = body }
}

/// A TCP listener on 127.0.0.1, driven step by step by a test.
private final class LoopbackServer: Sendable {
    let socket: Int32
    let port: UInt16

    init() throws {
        let listener = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        inet_pton(AF_INET, "127.0.0.1", &address.sin_addr)
        _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        listen(listener, 8)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) } }
        socket = listener
        port = UInt16(bigEndian: address.sin_port)
    }

    deinit { close(socket) }

    func request() throws -> ControlRequest {
        try ControlRequest(IGDActions.getExternalIPAddress, to: WANConnectionService(
            serviceType: "urn:schemas-upnp-org:service:WANIPConnection:1", controlURL: "http://127.0.0.1:\(port)/ctl"))
    }

    func accept() -> Int32 { Glibc.accept(socket, nil, nil) }

    /// Runs `body` on a thread of its own at once (not on the concurrency pool, which the
    /// simulation suites keep busy), the way a router serves on its own.
    func serve(_ body: @escaping @Sendable () -> Void) -> DispatchSemaphore {
        let done = DispatchSemaphore(value: 0)
        let context = Unmanaged.passRetained(ServeBox { body(); done.signal() }).toOpaque()
        var thread = pthread_t()
        pthread_create(&thread, nil, { raw in
            Unmanaged<ServeBox>.fromOpaque(raw!).takeRetainedValue().body()
            return nil
        }, context)
        pthread_detach(thread)
        return done
    }

    /// Reads until the end of the request's body.
    func readRequest(_ connection: Int32) -> String {
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while !String(decoding: bytes, as: UTF8.self).hasSuffix("</s:Envelope>\r\n") {
            let count = recv(connection, &buffer, buffer.count, 0)
            if count <= 0 { break }
            bytes += buffer[0..<count]
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    func write(_ connection: Int32, _ text: String) {
        _ = Array(text.utf8).withUnsafeBytes { send(connection, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    }

    /// Waits (at most 2 s) for the client to end the connection: 0 for a close, the errno for a reset.
    func waitForEnd(_ connection: Int32) -> Int {
        var timeout = timeval(tv_sec: 2, tv_usec: 0)
        setsockopt(connection, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var byte: UInt8 = 0
        let count = recv(connection, &byte, 1, 0)
        return count == 0 ? 0 : Int(errno)
    }
}
