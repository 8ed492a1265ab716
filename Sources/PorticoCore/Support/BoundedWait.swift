/// Waits for `body` at most `limit`, then cancels it: what a piece does on its way out
/// (the port back to the router, a bye) must not hold up the daemon's shutdown on a slow
/// or lossy router. `body` sees the cancellation (a router exchange gives up); nothing it
/// returns is waited for past the limit.
package func withinLimit(_ limit: Duration, _ body: @escaping @Sendable () async -> Void) async {
    await withTaskGroup(of: Void.self) { group in
        group.addTask { await body() }
        group.addTask { try? await Task.sleep(for: limit) }
        await group.next()
        group.cancelAll()
    }
}
