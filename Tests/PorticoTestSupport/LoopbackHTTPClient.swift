#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import PorticoCore

/// A small blocking HTTP/1.1 client for talking to a Portico on this machine: the
/// benchmark's stream clients and the tests' probes. Plain sockets and blocking reads
/// on threads of their own, so measuring the server does not share its event loops.
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
        var body = BodyReader(connection: connection, headers: head.headers)
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
        var reader = BodyReader(connection: connection, headers: reply.headers)
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
        return MJPEGReader(head: head.headers, body: BodyReader(connection: connection, headers: head.headers))
    }

    /// One TCP connection with a read buffer.
    package final class Connection {
        package let fd: Int32
        private var buffer: [UInt8] = []
        private var position = 0

        /// `source` picks the local address (another loopback address, to be another client).
        package init(host: String, port: Int, timeout: Duration, from source: String? = nil) throws {
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

        package func readLine() throws -> String {
            while true {
                if let end = buffer[position...].firstIndex(of: UInt8(ascii: "\n")) {
                    var line = buffer[position..<end]
                    if line.last == UInt8(ascii: "\r") { line = line.dropLast() }
                    position = end + 1
                    return String(decoding: line, as: UTF8.self)
                }
                guard try fill() else { throw Failure(description: "connection closed in the middle of a line") }
            }
        }

        /// Up to `count` bytes (fewer only at end of stream).
        package func read(upTo count: Int) throws -> ArraySlice<UInt8> {
            if position == buffer.count, try !fill() { return [] }
            let end = min(buffer.count, position + count)
            defer { position = end }
            return buffer[position..<end]
        }

        package func readHead() throws -> (status: Int, headers: [(name: String, value: String)]) {
            let statusLine = try readLine()
            let parts = statusLine.split(separator: " ", maxSplits: 2)
            guard parts.count >= 2, parts[0].hasPrefix("HTTP/1."), let status = Int(parts[1]) else {
                throw Failure(description: "not an HTTP status line: \(statusLine)")
            }
            return (status, try readHeaders())
        }

        package func readHeaders() throws -> [(name: String, value: String)] {
            var headers: [(name: String, value: String)] = []
            while true {
                let line = try readLine()
                if line.isEmpty { return headers }
                guard let colon = line.firstIndex(of: ":") else { throw Failure(description: "bad header line: \(line)") }
                headers.append((String(line[..<colon]), String(line[line.index(after: colon)...].trimmingBlanks())))
            }
        }
    }

    /// The body of one reply, undoing chunked transfer encoding where it is used.
    package struct BodyReader {
        package let connection: Connection
        private let chunked: Bool
        /// Bytes left in the current chunk, or in a Content-Length body.
        private var remaining: Int?
        private var finished = false

        package init(connection: Connection, headers: [(name: String, value: String)]) {
            self.connection = connection
            let find = { (name: String) in headers.first { $0.name.lowercased() == name }?.value }
            chunked = find("transfer-encoding")?.lowercased().contains("chunked") ?? false
            remaining = chunked ? 0 : find("content-length").flatMap { Int($0) }
        }

        /// Some body bytes; empty at the end of the body.
        package mutating func read(upTo count: Int) throws -> ArraySlice<UInt8> {
            if finished { return [] }
            if chunked {
                if remaining == 0 {
                    let sizeLine = try connection.readLine()
                    guard let size = Int(sizeLine.split(separator: ";")[0].trimmingBlanks(), radix: 16) else {
                        throw Failure(description: "bad chunk size: \(sizeLine)")
                    }
                    if size == 0 {
                        _ = try connection.readHeaders()
                        finished = true
                        return []
                    }
                    remaining = size
                }
                let bytes = try connection.read(upTo: min(count, remaining!))
                guard !bytes.isEmpty else { throw Failure(description: "connection closed inside a chunk") }
                remaining! -= bytes.count
                if remaining == 0 { _ = try connection.readLine() }
                return bytes
            }
            if let left = remaining {
                if left == 0 {
                    finished = true
                    return []
                }
                let bytes = try connection.read(upTo: min(count, left))
                guard !bytes.isEmpty else { throw Failure(description: "connection closed before Content-Length bytes") }
                remaining = left - bytes.count
                return bytes
            }
            let bytes = try connection.read(upTo: count)
            if bytes.isEmpty { finished = true }
            return bytes
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
