import NIOCore
import NIOHTTP1

/// Sits right after the HTTP/1 decoder of every connection: tells the shared
/// `ConnectionLimiter` what the connection is doing, closes it when its header or
/// idle time runs out, and closes it after the response where the request asked
/// for that.
///
/// It sits there, not after Hummingbird's conversion to HTTP types, because only
/// NIO's request head still carries the HTTP version: an HTTP/1.0 request without
/// `keep-alive` is answered in HTTP/1.0 (a body that ends at the close, no chunks)
/// and its connection closed, where Hummingbird alone would keep it open.
/// `channelReadComplete` passes the decoder even when no request part is complete,
/// so the first bytes of a request start its header clock here.
final class ConnectionGuard: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    private enum Admission {
        case pending
        case admitted(ConnectionTable<String>.ID)
        case refused
    }

    private let limiter: ConnectionLimiter
    private var admission = Admission.pending
    /// Requests read and not yet answered, oldest first: what each response must match.
    private var unanswered: [(version: HTTPVersion, keepAlive: Bool)] = []
    private var timer: (task: Scheduled<Void>, deadline: Duration)?

    init(limiter: ConnectionLimiter) {
        self.limiter = limiter
    }

    func channelActive(context: ChannelHandlerContext) {
        if case .pending = admission {
            if let id = limiter.admit(context.channel) {
                admission = .admitted(id)
                arm(context, deadline: limiter.update(id) { _, _ in })
            } else {
                // Every connection in the way is answering a request: this one goes at
                // once (after the handlers behind see it open, so they see it close).
                admission = .refused
                context.fireChannelActive()
                context.close(promise: nil)
                return
            }
        }
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        if case .admitted(let id) = admission { limiter.remove(id) }
        timer?.task.cancel()
        timer = nil
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard case .admitted = admission else { return }
        switch unwrapInboundIn(data) {
        case .head(let head):
            unanswered.append((head.version, head.isKeepAlive))
            track(context) { table, id, now in table.headReceived(id, at: now) }
        case .body:
            break
        case .end:
            track(context) { table, id, now in table.bodyEnded(id, at: now) }
        }
        context.fireChannelRead(data)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        track(context) { table, id, now in table.bytesArrived(id, at: now) }
        context.fireChannelReadComplete()
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .head(var head):
            guard let request = unanswered.first else { break }
            head.version = request.version
            if !request.keepAlive { head.headers.replaceOrAdd(name: "connection", value: "close") }
            context.write(wrapOutboundOut(.head(head)), promise: promise)
            return
        case .body:
            break
        case .end:
            let request = unanswered.isEmpty ? nil : unanswered.removeFirst()
            track(context) { table, id, now in table.responseEnded(id, at: now) }
            if let request, !request.keepAlive {
                let written = context.writeAndFlush(data)
                written.assumeIsolated().whenComplete { _ in context.close(promise: nil) }
                if let promise { written.cascade(to: promise) }
                return
            }
        }
        context.write(data, promise: promise)
    }

    /// Tells the table of a change and keeps one timer armed for the earliest deadline.
    private func track(
        _ context: ChannelHandlerContext,
        _ change: (inout ConnectionTable<String>, ConnectionTable<String>.ID, Duration) -> Void
    ) {
        guard case .admitted(let id) = admission else { return }
        let deadline = limiter.update(id) { table, now in change(&table, id, now) }
        arm(context, deadline: deadline)
    }

    private func arm(_ context: ChannelHandlerContext, deadline: Duration?) {
        guard let deadline else { return }
        if let timer {
            if timer.deadline <= deadline { return }  // fires first; it looks again then
            timer.task.cancel()
        }
        let task = context.eventLoop.assumeIsolated().scheduleTask(in: TimeAmount(max(deadline - limiter.now, .zero))) {
            self.timer = nil
            self.expire(context)
        }
        timer = (task, deadline)
    }

    private func expire(_ context: ChannelHandlerContext) {
        guard case .admitted(let id) = admission else { return }
        if limiter.isExpired(id) {
            context.close(promise: nil)
        } else {
            arm(context, deadline: limiter.update(id) { _, _ in })
        }
    }
}

@available(*, unavailable)
extension ConnectionGuard: Sendable {}
