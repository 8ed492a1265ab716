#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// CLOCK_MONOTONIC, for the dedicated threads that keep their own time: the stepping
/// thread's deadlines, which `ThreadCondition.wait(untilMonotonic:)` sleeps to, and the
/// switch's debounce, whose GPIO edge stamps the kernel takes on this clock. Setting the
/// wall clock (NTP's first answer after boot) moves neither. Swift's `ContinuousClock`
/// cannot stand in: its instants are opaque, and these readings must compare with the
/// kernel's and pthread's nanoseconds.
package enum MonotonicClock {
    /// Nanoseconds since an arbitrary point (the boot, on Linux).
    package static var nanoseconds: UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return UInt64(now.tv_sec) * 1_000_000_000 + UInt64(now.tv_nsec)
    }

    /// The same reading as a duration, the time the pure machines are driven with.
    package static var now: Duration { .nanoseconds(Int64(nanoseconds)) }
}
