#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A mutex and its condition variable, for dedicated threads that wait for each other
/// without spinning: the capture thread waking an idle encoder, a command waking the
/// stepping thread. Timed waits run on the monotonic clock, so setting the wall clock
/// (NTP's first answer after boot) neither cuts a wait short nor stretches it.
///
/// The one wrapper of pthread's mutex and condition: `ThreadSignal` is built on it.
package final class ThreadCondition: @unchecked Sendable {
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private let condition: UnsafeMutablePointer<pthread_cond_t>

    package init() {
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

    package func lock() { pthread_mutex_lock(mutex) }

    package func unlock() { pthread_mutex_unlock(mutex) }

    /// Waits for a signal; call with the lock held. May wake without one: check what
    /// was waited for again.
    package func wait() { pthread_cond_wait(condition, mutex) }

    /// Waits for a signal until `deadline` (`MonotonicClock.nanoseconds`); call with the
    /// lock held. Returns false when the deadline passed.
    package func wait(untilMonotonic deadline: UInt64) -> Bool {
        var until = timespec(tv_sec: Int(deadline / 1_000_000_000), tv_nsec: Int(deadline % 1_000_000_000))
        return pthread_cond_timedwait(condition, mutex, &until) != ETIMEDOUT
    }

    package func signal() { pthread_cond_signal(condition) }

    package func broadcast() { pthread_cond_broadcast(condition) }
}
