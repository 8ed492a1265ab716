#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Another MJPEG streamer (ustreamer, say) started from a command line, to measure
/// beside Portico on the same camera and the same clients.
final class ReferenceServer: Sendable {
    let pid: pid_t
    let port: Int

    /// Runs `command` through the shell with `{port}` replaced by a free loopback port;
    /// its output goes to `log` so it does not mix with the figures.
    init(command: String, log: String = "/dev/null") throws {
        port = try ServerProcess.freePort()
        let line = command.replacing("{port}", with: String(port))
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        // `exec`, so the process measured is the streamer itself, not a shell around it.
        let arguments: [String] = ["/bin/sh", "-c", "exec \(line)"]
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let attributes = SpawnAttributes()
        var child = pid_t()
        let status = posix_spawn(&child, "/bin/sh", &actions, &attributes.value, &argv, environ)
        guard status == 0 else { throw ServerProcess.Failure(description: "cannot start '\(line)': \(String(cString: strerror(status)))") }
        pid = child
    }

    deinit { stop() }

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
            guard kill(pid, 0) == 0 else { throw ServerProcess.Failure(description: "the reference server exited: \(last)") }
            usleep(100_000)
        }
        throw ServerProcess.Failure(description: "the reference server gave no frame on port \(port) within \(timeout): \(last)")
    }

    func cpuTime() throws -> Duration { try ProcessCPU.time(of: pid) }

    func stop() {
        guard kill(pid, 0) == 0 else { return }
        kill(pid, SIGTERM)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
    }
}

/// User plus system CPU time of a process, from /proc.
enum ProcessCPU {
    static func time(of pid: pid_t) throws -> Duration {
        let fd = open("/proc/\(pid)/stat", O_RDONLY)
        guard fd >= 0 else { throw ServerProcess.Failure(description: "cannot read /proc/\(pid)/stat") }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        let text = String(decoding: buffer[0..<max(0, count)], as: UTF8.self)
        // Fields after the command name, which is in parentheses and may hold spaces.
        guard let close = text.lastIndex(of: ")") else { throw ServerProcess.Failure(description: "unexpected /proc stat format") }
        let fields = text[text.index(after: close)...].split(separator: " ")
        guard fields.count > 13, let user = Int(fields[11]), let system = Int(fields[12]) else {
            throw ServerProcess.Failure(description: "unexpected /proc stat format")
        }
        let ticks = sysconf(Int32(_SC_CLK_TCK))
        return .milliseconds((user + system) * 1000 / ticks)
    }
}
