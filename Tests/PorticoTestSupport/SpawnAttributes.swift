#if canImport(Glibc)
import Glibc
#endif

/// Spawn attributes that give a child the default signal handling and an empty signal
/// mask, whatever this process ignores or blocks (signal handlers of a service group,
/// a test runner): otherwise the child inherits SIGTERM ignored and cannot be stopped
/// the way a service manager stops it.
package final class SpawnAttributes {
    package var value = posix_spawnattr_t()

    package init() {
        posix_spawnattr_init(&value)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGTERM, SIGINT, SIGHUP, SIGPIPE, SIGQUIT, SIGCHLD, SIGUSR1, SIGUSR2] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&value, &defaults)
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&value, &empty)
        posix_spawnattr_setflags(&value, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))
    }

    deinit {
        posix_spawnattr_destroy(&value)
    }
}
