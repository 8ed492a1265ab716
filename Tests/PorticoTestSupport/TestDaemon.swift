import CompiledInPlugins
import Logging
import PorticoCore

/// A daemon in this process on a free loopback port, for as long as `body` runs.
package func withDaemon<T: Sendable>(
    profile text: String, _ body: @escaping @Sendable (_ port: Int) async throws -> T
) async throws -> T {
    let profile = try ProfileLoader(registry: CompiledInPlugins.registry).load(text: text, file: "test.toml")
    var logger = Logger(label: "portico-test")
    logger.logLevel = .warning
    let daemon = Daemon(
        configuration: .init(profile: profile, httpAddress: "127.0.0.1", httpPort: 0, gracefulShutdownSignals: []),
        logger: logger)
    let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
    let running = Task { try await daemon.run(onListening: { continuation.yield($0) }) }
    defer { running.cancel() }
    var iterator = ports.makeAsyncIterator()
    guard let port = await iterator.next(), port > 0 else { throw TestFailure("the daemon did not start listening") }
    do {
        let result = try await body(port)
        running.cancel()
        _ = try? await running.value
        return result
    } catch {
        running.cancel()
        _ = try? await running.value
        throw error
    }
}

/// Runs blocking client code on a thread of its own, off the concurrency pool the
/// server under test also uses.
package func blocking<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await DedicatedThread.run(name: "test-client") { _ in try body() }
}
