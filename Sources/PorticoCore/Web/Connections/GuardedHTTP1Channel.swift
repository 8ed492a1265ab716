import HummingbirdCore
import Logging
import NIOCore
import NIOHTTP1

/// Hummingbird's HTTP/1 connection with a `ConnectionGuard` put right after NIO's
/// request decoder. Hummingbird's own `additionalChannelHandlers` go after its
/// conversion to HTTP types, where the request's HTTP version is already gone, and
/// its idle timeout knows nothing of the other connections, so the guard is added
/// here and that timeout is left off.
struct GuardedHTTP1Channel: ServerChildChannel {
    typealias Value = HTTP1Channel.Value

    let http: HTTP1Channel
    let limiter: ConnectionLimiter

    init(responder: @escaping HTTPChannelHandler.Responder, limiter: ConnectionLimiter) {
        // Headers beyond 16 KiB are refused: at the connection cap the default 80 KiB
        // each would let strangers fill a small board's memory with half-sent headers.
        http = HTTP1Channel(
            responder: responder,
            configuration: .init(httpDecoderConfiguration: .init(maxHeaderFieldSize: 8 * 1024, maxHeaderListSize: 16 * 1024, maxHeaderFieldCount: 100)))
        self.limiter = limiter
    }

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        let limiter = limiter
        return http.setup(channel: channel, logger: logger).flatMapThrowing { value in
            let pipeline = channel.pipeline.syncOperations
            let decoder = try pipeline.handler(type: ByteToMessageHandler<HTTPRequestDecoder>.self)
            try pipeline.addHandler(ConnectionGuard(limiter: limiter), position: .after(decoder))
            return value
        }
    }

    func handle(value: Value, logger: Logger) async {
        await http.handle(value: value, logger: logger)
    }
}
