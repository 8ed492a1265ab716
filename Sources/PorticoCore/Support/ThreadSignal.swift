/// Wakes a dedicated thread that sleeps until a deadline on the monotonic clock: the
/// stepping thread sleeps to its next step and wakes at once for a new command, so a
/// `stop` halts the motors within one step and an idle thread costs no wake-ups.
package final class ThreadSignal: @unchecked Sendable {
    private let condition = ThreadCondition()
    /// Guarded by `condition`.
    private var signalled = false

    package init() {}

    package func signal() {
        condition.lock()
        signalled = true
        condition.signal()
        condition.unlock()
    }

    /// Sleeps until `deadline` (CLOCK_MONOTONIC nanoseconds) or a signal, whichever is
    /// first. Returns true when woken by a signal; a signal sent while nobody waited
    /// wakes the next wait at once.
    @discardableResult
    package func wait(untilMonotonic deadline: UInt64) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while !signalled {
            if !condition.wait(untilMonotonic: deadline) { break }
        }
        let woken = signalled
        signalled = false
        return woken
    }
}
