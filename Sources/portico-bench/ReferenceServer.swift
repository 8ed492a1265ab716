#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import PorticoTestSupport

/// Another MJPEG streamer (ustreamer, say) started from a command line, to measure
/// beside Portico on the same camera and the same clients.
final class ReferenceServer: Sendable {
    private let process: ChildProcess
    let port: Int

    var pid: pid_t { process.pid }

    /// Runs `command` through the shell with `{port}` replaced by a free loopback port;
    /// its output goes to `log` so it does not mix with the figures.
    init(command: String, log: String = "/dev/null") throws {
        port = try ServerProcess.freePort()
        let line = command.replacing("{port}", with: String(port))
        // `exec`, so the process measured is the streamer itself, not a shell around it.
        process = try ChildProcess(
            executable: "/bin/sh", arguments: ["/bin/sh", "-c", "exec \(line)"],
            environment: ChildProcess.inheritedEnvironment, log: log)
    }

    /// Waits until `/stream` gives a first frame.
    func waitUntilStreaming(timeout: Duration = .seconds(30)) throws {
        let deadline = ContinuousClock.now + timeout
        var last = "no answer"
        while ContinuousClock.now < deadline {
            do {
                var reader = try LoopbackHTTPClient.openStream(port: port, timeout: .seconds(5))
                _ = try reader.next()
                return
            } catch {
                last = "\(error)"
            }
            guard process.isRunning else { throw ServerProcess.Failure(description: "the reference server exited: \(last)") }
            usleep(100_000)
        }
        throw ServerProcess.Failure(description: "the reference server gave no frame on port \(port) within \(timeout): \(last)")
    }

    func cpuTime() throws -> Duration { try process.cpuTime() }

    func stop() { process.stop() }
}
