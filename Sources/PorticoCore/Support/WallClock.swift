#if canImport(Glibc)
import Glibc
#endif

/// Seconds since 1970, the clock of ustreamer's per-frame time headers: a viewer
/// compares them with its own clock to see how late a frame is.
public enum WallClock {
    public static var now: Double {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
    }
}
