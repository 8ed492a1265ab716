#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Synchronization

/// A thread of its own for blocking work (capture loops, encoders, step pacing, C
/// libraries that block), so it never occupies one of the few threads of Swift's
/// concurrency pool; on a two-core board one blocked pool thread halves the server.
///
/// The one place a thread is started: every thread is named the same way, and a failure
/// to start one says the same thing wherever it happens. Two shapes: `run`, awaited by a
/// task whose cancellation asks the thread to stop; and `start`, joined by its owner,
/// for threads that must be gone before what they read is (encoders before the capture
/// buffers are unmapped).
package final class DedicatedThread: @unchecked Sendable {
    private let thread: pthread_t

    private init(thread: pthread_t) { self.thread = thread }

    /// Starts `body` on a new thread named `name`; `join` waits for it to return.
    package static func start(name: String, _ body: @escaping @Sendable () -> Void) throws(ThreadError) -> DedicatedThread {
        DedicatedThread(thread: try spawn(name: name, body))
    }

    /// Waits for the thread's body to return. Call once.
    package func join() { pthread_join(thread, nil) }

    /// Runs `body` on a new thread named `name` and returns its result.
    ///
    /// Cancelling the calling task sets `stop`; `body` is expected to check it often
    /// (at least every 100 ms) and return.
    package static func run<T: Sendable>(
        name: String,
        _ body: @escaping @Sendable (_ stop: StopFlag) throws -> T
    ) async throws -> T {
        let stop = StopFlag()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
                do {
                    pthread_detach(try spawn(name: name) { continuation.resume(with: Result { try body(stop) }) })
                } catch {
                    continuation.resume(throwing: error)
                }
            }
        } onCancel: {
            stop.set()
        }
    }

    private static func spawn(name: String, _ body: @escaping @Sendable () -> Void) throws(ThreadError) -> pthread_t {
        let context = Unmanaged.passRetained(Box(body: body, name: name)).toOpaque()
        var thread = pthread_t()
        let status = pthread_create(&thread, nil, { raw in
            let box = Unmanaged<Box>.fromOpaque(raw!).takeRetainedValue()
            box.run()
            return nil
        }, context)
        guard status == 0 else {
            Unmanaged<Box>.fromOpaque(context).release()
            throw ThreadError(status: status, name: name)
        }
        return thread
    }

    private final class Box: @unchecked Sendable {
        let body: @Sendable () -> Void
        let name: String
        init(body: @escaping @Sendable () -> Void, name: String) {
            self.body = body
            self.name = name
        }

        /// Names the thread, then runs the work. The name lets `top -H` and
        /// /proc/PID/task/*/comm say which piece a thread belongs to; it is written through
        /// /proc/thread-self, since glibc's pthread_setname_np is not visible to Swift (the
        /// kernel keeps the first 15 bytes).
        func run() {
            let descriptor = open("/proc/thread-self/comm", O_WRONLY | O_CLOEXEC)
            if descriptor >= 0 {
                let bytes = Array(name.utf8.prefix(15))
                _ = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
                close(descriptor)
            }
            body()
        }
    }

    package struct ThreadError: Error, CustomStringConvertible {
        package let status: Int32
        package let name: String
        package var description: String {
            "could not start thread '\(name)': \(String(cString: strerror(status))); the board may be out of memory or threads"
        }
    }
}

/// Set once, from any thread, when a dedicated thread should finish.
package final class StopFlag: Sendable {
    private let flag = Atomic<Bool>(false)

    package init() {}

    package func set() { flag.store(true, ordering: .releasing) }

    package var isSet: Bool { flag.load(ordering: .acquiring) }

    /// Sleeps until `deadline` on the monotonic clock, waking early when the flag is set.
    /// Returns false when stopped.
    package func sleep(until deadline: ContinuousClock.Instant) -> Bool {
        let slice: Duration = .milliseconds(50)
        while !isSet {
            let now = ContinuousClock.now
            if now >= deadline { return true }
            let wait = min(deadline - now, slice)
            let (seconds, attoseconds) = wait.components
            var request = timespec(tv_sec: Int(seconds), tv_nsec: Int(attoseconds / 1_000_000_000))
            var remaining = timespec()
            _ = nanosleep(&request, &remaining)
        }
        return false
    }
}
