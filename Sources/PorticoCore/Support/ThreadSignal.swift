#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Wakes a dedicated thread that sleeps until a deadline on the monotonic clock: the
/// stepping thread sleeps to its next step and wakes at once for a new command, so a
/// `stop` halts the motors within one step and an idle thread costs no wake-ups.
public final class ThreadSignal: @unchecked Sendable {
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private let condition: UnsafeMutablePointer<pthread_cond_t>
    /// Guarded by `mutex`.
    private var signalled = false

    public init() {
        mutex = .allocate(capacity: 1)
        condition = .allocate(capacity: 1)
        pthread_mutex_init(mutex, nil)
        var attributes = pthread_condattr_t()
        pthread_condattr_init(&attributes)
        pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC)
        pthread_cond_init(condition, &attributes)
        pthread_condattr_destroy(&attributes)
    }

    deinit {
        pthread_cond_destroy(condition)
        pthread_mutex_destroy(mutex)
        condition.deallocate()
        mutex.deallocate()
    }

    public func signal() {
        pthread_mutex_lock(mutex)
        signalled = true
        pthread_cond_signal(condition)
        pthread_mutex_unlock(mutex)
    }

    /// Sleeps until `deadline` (CLOCK_MONOTONIC nanoseconds) or a signal, whichever is
    /// first. Returns true when woken by a signal; a signal sent while nobody waited
    /// wakes the next wait at once.
    @discardableResult
    public func wait(untilMonotonic deadline: UInt64) -> Bool {
        var until = timespec(tv_sec: Int(deadline / 1_000_000_000), tv_nsec: Int(deadline % 1_000_000_000))
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        while !signalled {
            if pthread_cond_timedwait(condition, mutex, &until) == ETIMEDOUT { break }
        }
        let woken = signalled
        signalled = false
        return woken
    }

    /// CLOCK_MONOTONIC now, in nanoseconds: the clock of `wait` and of GPIO edge stamps.
    public static func monotonicNow() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return UInt64(now.tv_sec) * 1_000_000_000 + UInt64(now.tv_nsec)
    }
}
