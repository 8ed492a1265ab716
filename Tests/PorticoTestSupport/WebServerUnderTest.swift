import Logging
import PorticoCore
import ServiceLifecycle

/// A web server in this process on the port its configuration names (0: a free one), for
/// as long as `body` runs, then shut down gracefully whether `body` threw or not.
package func withWebServer(
    _ web: WebServer, logger: Logger, _ body: @escaping @Sendable (_ port: Int) async throws -> Void
) async throws {
    let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
    let group = ServiceGroup(configuration: .init(
        services: [web.application(onListening: { continuation.yield($0) })], gracefulShutdownSignals: [], logger: logger))
    let running = Task { try await group.run() }
    defer { running.cancel() }
    var iterator = ports.makeAsyncIterator()
    guard let port = await iterator.next(), port > 0 else { throw TestFailure("the web server did not start listening") }
    do {
        try await body(port)
    } catch {
        await group.triggerGracefulShutdown()
        _ = try? await running.value
        throw error
    }
    await group.triggerGracefulShutdown()
    _ = try? await running.value
}
