import PorticoCore

/// Reads the parts of a `multipart/x-mixed-replace` MJPEG stream, checking each part
/// the way a strict viewer would: boundary, `Content-Type: image/jpeg`, a
/// `Content-Length` that matches the bytes.
package struct MJPEGReader {
    package struct Part {
        package let headers: [(name: String, value: String)]
        package let jpeg: [UInt8]

        package func header(_ name: String) -> String? {
            headers.first { $0.name.lowercased() == name.lowercased() }?.value
        }
    }

    package let head: [(name: String, value: String)]
    private var body: LoopbackHTTPClient.BodyReader
    private let boundary: String

    package init(head: [(name: String, value: String)], body: LoopbackHTTPClient.BodyReader) {
        self.head = head
        self.body = body
        let contentType = head.first { $0.name.lowercased() == "content-type" }?.value ?? ""
        boundary = contentType.split(separator: ";").compactMap { part -> String? in
            let trimmed = part.trimmingBlanks()
            return trimmed.hasPrefix("boundary=") ? String(trimmed.dropFirst("boundary=".count)) : nil
        }.first ?? ""
    }

    /// The next frame; throws when the stream breaks or a part is malformed.
    package mutating func next() throws -> Part {
        var line = try body.readLine()
        while line.isEmpty { line = try body.readLine() }
        guard line == "--\(boundary)" else {
            throw LoopbackHTTPClient.Failure(description: "expected boundary --\(boundary), found \(line.prefix(80))")
        }
        var headers: [(name: String, value: String)] = []
        while true {
            let headerLine = try body.readLine()
            if headerLine.isEmpty { break }
            guard let colon = headerLine.firstIndex(of: ":") else {
                throw LoopbackHTTPClient.Failure(description: "bad part header: \(headerLine)")
            }
            headers.append((String(headerLine[..<colon]), String(headerLine[headerLine.index(after: colon)...].trimmingBlanks())))
        }
        let find = { (name: String) in headers.first { $0.name.lowercased() == name }?.value }
        guard find("content-type") == "image/jpeg" else {
            throw LoopbackHTTPClient.Failure(description: "part is not image/jpeg: \(find("content-type") ?? "no Content-Type")")
        }
        guard let lengthText = find("content-length"), let length = Int(lengthText) else {
            throw LoopbackHTTPClient.Failure(description: "part has no Content-Length")
        }
        let jpeg = try body.readExactly(length)
        return Part(headers: headers, jpeg: jpeg)
    }
}
