#if canImport(Glibc)
import Glibc
#endif

/// Polls `condition` every 100 ms until it holds, failing after `limit`.
package func eventually(_ limit: Duration, _ what: String, _ condition: () throws -> Bool) throws {
    let deadline = ContinuousClock.now + limit
    while ContinuousClock.now < deadline {
        if (try? condition()) == true { return }
        usleep(100_000)
    }
    throw TestFailure("not within \(limit): \(what)")
}
