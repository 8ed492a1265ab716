#if canImport(Glibc)
import Glibc
#endif

/// Polls `condition` every 100 ms until it holds, failing after `limit`. `explain` is
/// read only on failure: what the test saw last (a lab's router table, the cameras'
/// logs), so a failure on a machine nobody watches says why.
package func eventually(
    _ limit: Duration, _ what: String, explain: () -> String = { "" }, _ condition: () throws -> Bool
) throws {
    let deadline = ContinuousClock.now + limit
    while ContinuousClock.now < deadline {
        if (try? condition()) == true { return }
        usleep(100_000)
    }
    let seen = explain()
    throw TestFailure("not within \(limit): \(what)" + (seen.isEmpty ? "" : "\n\(seen)"))
}
