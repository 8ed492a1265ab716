import NIOCore
import NIOHTTP1
import NIOPosix

/// One request from the command line to a running camera's web server, over NIO's HTTP/1
/// client codec: the same code that serves the camera's pages parses the answer, so the
/// firmware carries no HTTP client of its own.
enum AdminRequest {
    struct Reply {
        let status: Int
        let text: String
    }

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// POSTs an empty body to `path` on `host:port` with `headers` and reads the whole
    /// answer; a camera that does not answer within `timeout` is an error, not a hang.
    static func post(
        host: String, port: Int, path: String, headers: [(String, String)], timeout: TimeAmount = .seconds(15)
    ) async throws -> Reply {
        let channel: NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>
        do {
            channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connectTimeout(timeout)
                .connect(host: host, port: port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHTTPClientHandlers()
                        return try NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>(wrappingChannelSynchronously: channel)
                    }
                }
        } catch {
            throw Failure(description: "cannot reach the camera at \(host):\(port): \(error)")
        }
        // Closing the channel ends the answer's stream, so a silent camera ends the wait.
        let deadline = channel.channel.eventLoop.scheduleTask(in: timeout) { channel.channel.close(promise: nil) }
        defer { deadline.cancel() }
        return try await channel.executeThenClose { inbound, outbound in
            var head = HTTPRequestHead(version: .http1_1, method: .POST, uri: path)
            head.headers.add(name: "Host", value: "\(host):\(port)")
            head.headers.add(name: "Content-Length", value: "0")
            head.headers.add(name: "Connection", value: "close")
            for (name, value) in headers { head.headers.add(name: name, value: value) }
            try await outbound.write(.head(head))
            try await outbound.write(.end(nil))
            var status: Int?
            var body = ByteBuffer()
            for try await part in inbound {
                switch part {
                case .head(let answer):
                    status = Int(answer.status.code)
                case .body(var bytes):
                    body.writeBuffer(&bytes)
                case .end:
                    guard let status else { break }
                    return Reply(status: status, text: String(buffer: body))
                }
            }
            throw Failure(description: "the camera at \(host):\(port) gave no whole answer within \(timeout.nanoseconds / 1_000_000_000) s")
        }
    }
}
