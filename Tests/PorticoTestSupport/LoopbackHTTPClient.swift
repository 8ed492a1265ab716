#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import NIOCore
import NIOEmbedded
import NIOHTTP1
import PorticoCore

/// A small blocking HTTP/1.1 client for talking to a Portico on this machine: the
/// benchmark's stream clients and the tests' probes. Plain sockets and blocking reads
/// on threads of their own, so measuring the server does not share its event loops.
///
/// Replies are read by NIO's `HTTPResponseDecoder` (llhttp, the parser NIO's own clients
/// use), not by a reader of Portico's: what the tests check of the server's HTTP (its
/// framing, chunked or by length, its heads) is then checked by a parser the server's
/// authors did not write, so a framing mistake is not hidden by the same mistake on the
/// reading side. The firmware's one reader of HTTP answers is UPnP's `HTTPResponse`, which
/// bounds a router's answer and speaks of the router in its errors.
package struct LoopbackHTTPClient {
    package struct Failure: Error, CustomStringConvertible {
        package let description: String
        package init(description: String) { self.description = description }
    }

    package struct Reply {
        package let status: Int
        package let headers: [(name: String, value: String)]
        package let body: [UInt8]

        package init(status: Int, headers: [(name: String, value: String)], body: [UInt8]) {
            self.status = status
            self.headers = headers
            self.body = body
        }

        package func header(_ name: String) -> String? {
            headers.first { $0.name.lowercased() == name.lowercased() }?.value
        }

        package var text: String { String(decoding: body, as: UTF8.self) }
    }

    /// GET `path` and read the whole reply.
    package static func get(
        host: String = "127.0.0.1", port: Int, path: String, headers: [String: String] = [:], timeout: Duration = .seconds(10),
        from source: String? = nil
    ) throws -> Reply {
        let connection = try Connection(host: host, port: port, timeout: timeout, from: source)
        var request = "GET \(path) HTTP/1.1\r\nHost: \(host):\(port)\r\nConnection: close\r\n"
        for (name, value) in headers.sorted(by: { $0.key < $1.key }) { request += "\(name): \(value)\r\n" }
        try connection.send(request + "\r\n")
        let head = try connection.readHead()
        var body = BodyReader(connection: connection)
        return Reply(status: head.status, headers: head.headers, body: try body.readAll())
    }

    /// POST `body` to `path` and read the whole reply.
    package static func post(
        host: String = "127.0.0.1", port: Int, path: String, headers: [String: String] = [:], body: [UInt8],
        timeout: Duration = .seconds(15), from source: String? = nil
    ) throws -> Reply {
        let connection = try Connection(host: host, port: port, timeout: timeout, from: source)
        var head = "POST \(path) HTTP/1.1\r\nHost: \(host):\(port)\r\nConnection: close\r\nContent-Length: \(body.count)\r\n"
        for (name, value) in headers.sorted(by: { $0.key < $1.key }) { head += "\(name): \(value)\r\n" }
        try connection.send(head + "\r\n" + String(decoding: body, as: UTF8.self))
        let reply = try connection.readHead()
        var reader = BodyReader(connection: connection)
        return Reply(status: reply.status, headers: reply.headers, body: try reader.readAll())
    }

    /// GET `/stream` (or another MJPEG path) and return a reader of its frames.
    package static func openStream(
        host: String = "127.0.0.1", port: Int, path: String = "/stream", timeout: Duration = .seconds(10), from source: String? = nil
    ) throws -> MJPEGReader {
        let connection = try Connection(host: host, port: port, timeout: timeout, from: source)
        try connection.send("GET \(path) HTTP/1.1\r\nHost: \(host):\(port)\r\n\r\n")
        let head = try connection.readHead()
        guard head.status == 200 else { throw Failure(description: "GET \(path) answered \(head.status)") }
        return MJPEGReader(head: head.headers, body: BodyReader(connection: connection))
    }

    /// One TCP connection with a read buffer. What it reads is the raw bytes (`read`) or
    /// replies (`readHead`, then a `BodyReader`); the decoder is given only the bytes of
    /// the reply being read, so a test can look at what follows a head byte by byte.
    package final class Connection {
        package let fd: Int32
        private var buffer: [UInt8] = []
        private var position = 0
        /// NIO's decoder, in a channel of its own that no event loop runs: bytes go in,
        /// heads, body parts and ends come out.
        private let decoder = EmbeddedChannel()

        /// `source` picks the local address (another loopback address, to be another client).
        package init(host: String, port: Int, timeout: Duration, from source: String? = nil) throws {
            try decoder.pipeline.syncOperations.addHandler(ByteToMessageHandler(HTTPResponseDecoder()))
            fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            guard fd >= 0 else { throw Failure(description: "socket: \(String(cString: strerror(errno)))") }
            var time = timeval(tv_sec: Int(timeout.components.seconds), tv_usec: Int(timeout.components.attoseconds / 1_000_000_000_000))
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &time, socklen_t(MemoryLayout<timeval>.size))
            setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &time, socklen_t(MemoryLayout<timeval>.size))
            if let source {
                var local = sockaddr_in()
                local.sin_family = sa_family_t(AF_INET)
                let bound = inet_pton(AF_INET, source, &local.sin_addr) == 1 && withUnsafePointer(to: &local) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
                } == 0
                guard bound else {
                    let reason = String(cString: strerror(errno))
                    throw Failure(description: "cannot send from \(source): \(reason)")
                }
            }
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = in_port_t(UInt16(port).bigEndian)
            guard inet_pton(AF_INET, host, &address.sin_addr) == 1 else {
                throw Failure(description: "not an IPv4 address: \(host)")
            }
            let status = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            guard status == 0 else {
                let reason = String(cString: strerror(errno))
                throw Failure(description: "connect to \(host):\(port): \(reason)")
            }
        }

        /// Also after a failed `init`: a class whose stored properties are all set runs
        /// its deinit when the init throws, so the init must not close `fd` itself (a
        /// second close would hit whatever file the number was given to meanwhile,
        /// another thread's socket).
        deinit { if fd >= 0 { close(fd) } }

        package func send(_ text: String) throws {
            var bytes = Array(text.utf8)[...]
            while !bytes.isEmpty {
                let sent = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                guard sent > 0 else { throw Failure(description: "send: \(String(cString: strerror(errno)))") }
                bytes = bytes.dropFirst(sent)
            }
        }

        /// Fills the buffer with more bytes; false at end of stream.
        private func fill() throws -> Bool {
            if position > 0 && position == buffer.count {
                buffer.removeAll(keepingCapacity: true)
                position = 0
            }
            var chunk = [UInt8](repeating: 0, count: 64 * 1024)
            let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count < 0 {
                let reason = errno == EAGAIN || errno == EWOULDBLOCK ? "timed out" : String(cString: strerror(errno))
                throw Failure(description: "receive: \(reason)")
            }
            if count == 0 { return false }
            buffer += chunk[0..<count]
            return true
        }

        /// Up to `count` bytes (fewer only at end of stream).
        package func read(upTo count: Int) throws -> ArraySlice<UInt8> {
            if position == buffer.count, try !fill() { return [] }
            let end = min(buffer.count, position + count)
            defer { position = end }
            return buffer[position..<end]
        }

        /// The head of the reply to the request sent last, `method` (the decoder must know
        /// a HEAD's reply, which announces a body it does not send). Reads no byte past the
        /// head: what follows is the body's, or `read`'s.
        package func readHead(answering method: HTTPMethod = .GET) throws -> (status: Int, headers: [(name: String, value: String)]) {
            // The decoder pairs each reply with a request written through its channel.
            try decoder.writeOutbound(HTTPClientRequestPart.head(HTTPRequestHead(version: .http1_1, method: method, uri: "/")))
            while try decoder.readOutbound(as: HTTPClientRequestPart.self) != nil {}
            // How far past `position` the blank line has been looked for (`fill` keeps
            // what is unread where it is, relative to `position`).
            var searched = 0
            while true {
                if let end = Self.find([13, 10, 13, 10], in: buffer, from: position + searched) {
                    try decode(buffer[position..<(end + 4)])
                    position = end + 4
                    guard case .head(let head) = try decoder.readInbound(as: HTTPClientResponsePart.self) else {
                        throw Failure(description: "no reply head before the blank line")
                    }
                    return (Int(head.status.code), head.headers.map { (name: $0.name, value: $0.value) })
                }
                searched = max(0, buffer.count - position - 3)
                guard buffer.count - position <= 64 * 1024 else { throw Failure(description: "a reply head of more than 64 KiB") }
                guard try fill() else { throw Failure(description: "connection closed before the end of the reply's head") }
            }
        }

        /// The next part of the reply's body from the decoder, reading from the socket as
        /// it needs; `.end` once the body is whole.
        fileprivate func nextBodyPart() throws -> HTTPClientResponsePart {
            while true {
                if let part = try decoder.readInbound(as: HTTPClientResponsePart.self) { return part }
                let bytes = try read(upTo: 64 * 1024)
                if bytes.isEmpty {
                    // The end of a reply that ends with its connection, or a reply cut short.
                    decoder.pipeline.fireChannelInactive()
                    if let part = try decoder.readInbound(as: HTTPClientResponsePart.self) { return part }
                    throw Failure(description: "connection closed before the end of the reply")
                }
                try decode(bytes)
            }
        }

        private func decode(_ bytes: ArraySlice<UInt8>) throws {
            do {
                try decoder.writeInbound(ByteBuffer(bytes: bytes))
            } catch {
                throw Failure(description: "not a valid HTTP/1.1 reply: \(error)")
            }
        }

        private static func find(_ pattern: [UInt8], in bytes: [UInt8], from start: Int) -> Int? {
            var index = start
            while index + pattern.count <= bytes.count {
                if bytes[index..<(index + pattern.count)].elementsEqual(pattern) { return index }
                index += 1
            }
            return nil
        }
    }

    /// The body of one reply, as the decoder frames it (by length, chunked, or to the
    /// connection's end).
    package struct BodyReader {
        package let connection: Connection
        /// Bytes of the last body part not yet handed out.
        private var pending: ArraySlice<UInt8> = []
        private var finished = false

        package init(connection: Connection) {
            self.connection = connection
        }

        /// Some body bytes; empty at the end of the body.
        package mutating func read(upTo count: Int) throws -> ArraySlice<UInt8> {
            while pending.isEmpty {
                if finished { return [] }
                switch try connection.nextBodyPart() {
                case .body(let part): pending = ArraySlice(part.readableBytesView)
                case .end: finished = true
                case .head: throw Failure(description: "a second head inside a reply's body")
                }
            }
            let taken = pending.prefix(count)
            pending = pending.dropFirst(taken.count)
            return taken
        }

        package mutating func readAll() throws -> [UInt8] {
            var all: [UInt8] = []
            while true {
                let bytes = try read(upTo: 64 * 1024)
                if bytes.isEmpty { return all }
                all += bytes
            }
        }

        package mutating func readExactly(_ count: Int) throws -> [UInt8] {
            var out: [UInt8] = []
            out.reserveCapacity(count)
            while out.count < count {
                let bytes = try read(upTo: count - out.count)
                guard !bytes.isEmpty else { throw Failure(description: "body ended \(count - out.count) bytes early") }
                out += bytes
            }
            return out
        }

        package mutating func readLine() throws -> String {
            var line: [UInt8] = []
            while true {
                let byte = try read(upTo: 1)
                guard let value = byte.first else { throw Failure(description: "body ended in the middle of a line") }
                if value == UInt8(ascii: "\n") {
                    if line.last == UInt8(ascii: "\r") { line.removeLast() }
                    return String(decoding: line, as: UTF8.self)
                }
                line.append(value)
            }
        }
    }
}
