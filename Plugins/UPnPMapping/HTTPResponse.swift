import PorticoCore

/// The router's HTTP answer to a control request, read incrementally as bytes arrive.
///
/// Routers end the body every way HTTP/1.1 allows: by `Content-Length`, chunked, or by
/// closing the connection, so all three are read. Everything is bounded: a header or a
/// body past `limit` bytes is a malformed reply, not memory without end.
struct HTTPResponse: Sendable, Equatable {
    let status: Int
    let body: [UInt8]

    /// Bytes so far; `complete` says when a whole response is there.
    struct Reader: Sendable {
        let limit: Int
        private var buffer: [UInt8] = []
        private var headerEnd: Int?
        private var status = 0
        private var framing: Framing = .untilClose
        /// Where the search for the header's end goes on: each byte is looked at once,
        /// however finely a router splits its answer.
        private var headerSearched = 0
        /// The chunks decoded so far and where the next chunk's size line starts: each
        /// chunk is decoded once, not again with every segment that arrives.
        private var chunkBody: [UInt8] = []
        private var nextChunk: Int?

        private enum Framing: Equatable {
            case length(Int)
            case chunked
            case untilClose
        }

        init(limit: Int = 64 * 1024) { self.limit = limit }

        /// Adds bytes; returns the response once it is whole.
        mutating func append(_ bytes: some Sequence<UInt8>) throws(MappingError) -> HTTPResponse? {
            buffer.append(contentsOf: bytes)
            guard buffer.count <= limit + 16 * 1024 else {
                throw MappingError(.malformedReply, message: "the router's answer is more than \(limit / 1024) KiB")
            }
            if headerEnd == nil { try readHeader() }
            guard let start = headerEnd else { return nil }
            switch framing {
            case .length(let length):
                guard buffer.count - start >= length else { return nil }
                return HTTPResponse(status: status, body: Array(buffer[start..<(start + length)]))
            case .chunked:
                return try dechunked(from: nextChunk ?? start).map { HTTPResponse(status: status, body: $0) }
            case .untilClose:
                // Without a length the body is bounded here, as it is by Content-Length
                // or the chunk sizes: the buffer's slack is for the header.
                guard buffer.count - start <= limit else {
                    throw MappingError(.malformedReply, message: "the router's answer is more than \(limit / 1024) KiB")
                }
                return nil
            }
        }

        /// The connection closed: what was read is the answer if the framing allows it.
        func closed() throws(MappingError) -> HTTPResponse {
            guard let start = headerEnd else {
                throw MappingError(.malformedReply, message: buffer.isEmpty
                    ? "the router closed the connection without answering"
                    : "the router closed the connection in the middle of its answer's header")
            }
            guard framing == .untilClose else {
                throw MappingError(.malformedReply, message: "the router closed the connection before the end of its answer")
            }
            return HTTPResponse(status: status, body: Array(buffer[start...]))
        }

        private mutating func readHeader() throws(MappingError) {
            guard let end = Self.find([13, 10, 13, 10], in: buffer, from: headerSearched) else {
                headerSearched = max(0, buffer.count - 3)
                if buffer.count > 16 * 1024 { throw MappingError(.malformedReply, message: "the router's answer has a header of more than 16 KiB") }
                return
            }
            let lines = String(decoding: buffer[0..<end], as: UTF8.self).split(separator: "\r\n", omittingEmptySubsequences: false)
            let statusLine = lines.first.map(String.init) ?? ""
            let parts = statusLine.split(separator: " ", maxSplits: 2)
            guard parts.count >= 2, parts[0].hasPrefix("HTTP/1."), let code = Int(parts[1]), (100...599).contains(code) else {
                throw MappingError(.malformedReply, message: "the router did not answer in HTTP: '\(statusLine.prefix(60))'")
            }
            status = code
            for line in lines.dropFirst() {
                guard let colon = line.firstIndex(of: ":") else { continue }
                let name = line[..<colon].lowercased()
                let value = String(line[line.index(after: colon)...].trimmingBlanks())
                if name == "transfer-encoding", value.lowercased().contains("chunked") {
                    framing = .chunked
                } else if name == "content-length", framing != .chunked {
                    guard let length = Int(value), length >= 0 else {
                        throw MappingError(.malformedReply, message: "the router's answer has Content-Length '\(value.prefix(20))'")
                    }
                    guard length <= limit else {
                        throw MappingError(.malformedReply, message: "the router's answer is \(length) bytes, more than \(limit / 1024) KiB")
                    }
                    framing = .length(length)
                }
            }
            headerEnd = end + 4
        }

        /// The body once the last chunk is there; nil while it is not.
        ///
        /// A chunk size is the router's word, up to sixteen hex digits: it is compared with
        /// what room is left under `limit` before any sum is formed, so a size near `Int.max`
        /// is an oversized answer, not an overflow.
        private mutating func dechunked(from start: Int) throws(MappingError) -> [UInt8]? {
            var at = start
            while true {
                nextChunk = at
                guard let lineEnd = Self.find([13, 10], in: buffer, from: at) else {
                    // A size line (hex digits, perhaps an extension) is short; one that never
                    // ends would be scanned again with every byte that arrives.
                    if buffer.count - at > 1024 {
                        throw MappingError(.malformedReply, message: "the router's chunked answer has a chunk size line of more than 1 KiB")
                    }
                    return nil
                }
                let sizeText = String(decoding: buffer[at..<lineEnd], as: UTF8.self).split(separator: ";").first ?? ""
                guard let size = Self.chunkSize(String(sizeText.trimmingBlanks())) else {
                    throw MappingError(.malformedReply, message: "the router's chunked answer has a chunk size '\(sizeText.prefix(20))'")
                }
                guard size <= limit - chunkBody.count else {
                    throw MappingError(.malformedReply, message: "the router's answer is more than \(limit / 1024) KiB")
                }
                let data = lineEnd + 2
                if size == 0 { return chunkBody }  // trailers, if any, are not needed
                // `data` and `size` are each below the buffer's bound, so the sums cannot overflow.
                guard buffer.count - data >= size + 2 else { return nil }
                chunkBody.append(contentsOf: buffer[data..<(data + size)])
                at = data + size + 2
            }
        }

        /// Hex digits only: `Int(_:radix:)` would also take a sign.
        static func chunkSize(_ text: String) -> Int? {
            guard !text.isEmpty, text.utf8.allSatisfy({ $0 < 0x80 && Character(Unicode.Scalar($0)).isHexDigit }) else { return nil }
            return Int(text, radix: 16)
        }

        private static func find(_ pattern: [UInt8], in bytes: [UInt8], from start: Int) -> Int? {
            guard bytes.count >= pattern.count else { return nil }
            var index = start
            while index + pattern.count <= bytes.count {
                if bytes[index] == pattern[0] && Array(bytes[index..<(index + pattern.count)]) == pattern { return index }
                index += 1
            }
            return nil
        }
    }
}
