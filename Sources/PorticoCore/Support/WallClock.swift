#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The real-time clock, read here and nowhere else. Two readings need it: the frames'
/// time headers (ustreamer's, in seconds since 1970), which a viewer compares with its
/// own clock to see how late a frame is; and the floor of the peer messages' sequence
/// numbers, which must keep rising across a restart of the camera, when every steady
/// clock starts again from zero.
package enum WallClock {
    /// Seconds since 1970.
    package static var now: Double {
        let time = read()
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }

    /// Microseconds since 1970; zero before 1970, which no clock set by NTP shows.
    package static var microseconds: UInt64 {
        let time = read()
        guard time.tv_sec >= 0 else { return 0 }
        return UInt64(time.tv_sec) * 1_000_000 + UInt64(time.tv_nsec / 1000)
    }

    private static func read() -> timespec {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return now
    }
}
