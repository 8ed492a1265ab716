import PorticoTestSupport
import Synchronization

/// Runs a long simulation (seconds to minutes of computation) on a thread of its own,
/// one at a time.
///
/// On Swift's concurrency pool it would hold one of its few threads (one per core) for
/// all that time, and the tests that run a daemon in this process could not answer
/// their clients before those time out. All at once, each on a thread of its own, the
/// simulations would take every core from them instead. One at a time, they take one.
enum SimulationThread {
    private static let turn = Mutex(())

    static func run<T: Sendable>(_ body: @escaping @Sendable () -> T) async throws -> T {
        try await blocking { turn.withLock { _ in body() } }
    }
}
