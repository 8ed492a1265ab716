#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A server the benchmarks and tests start as a process of its own (Portico, or another
/// streamer to compare with), so its CPU time is measured apart from the clients'.
package final class ChildProcess: Sendable {
    package let pid: pid_t

    /// Starts `executable` with `arguments` (the first is its name) and `environment`;
    /// standard input is /dev/null, and output goes to `log` when given, else is inherited.
    package init(executable: String, arguments: [String], environment: [String], log: String? = nil) throws {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        if let log {
            posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_APPEND, 0o644)
            posix_spawn_file_actions_adddup2(&actions, 1, 2)
        }
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var envp: [UnsafeMutablePointer<CChar>?] = environment.map { strdup($0) } + [nil]
        defer { envp.forEach { free($0) } }
        let attributes = SpawnAttributes()
        var child = pid_t()
        let status = posix_spawn(&child, executable, &actions, &attributes.value, &argv, &envp)
        guard status == 0 else {
            throw ServerProcess.Failure(description: "cannot start \(arguments.joined(separator: " ")): \(String(cString: strerror(status)))")
        }
        pid = child
    }

    deinit { stop() }

    package var isRunning: Bool { kill(pid, 0) == 0 }

    /// User plus system CPU time the process has used so far.
    package func cpuTime() throws -> Duration { try ProcessCPU.time(of: pid) }

    /// SIGTERM, then wait for it to exit.
    package func stop() {
        guard isRunning else { return }
        kill(pid, SIGTERM)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
    }

    /// This process's environment, as `NAME=value` lines.
    package static var inheritedEnvironment: [String] {
        var entries: [String] = []
        var index = 0
        while let entry = environ[index] {
            entries.append(String(cString: entry))
            index += 1
        }
        return entries
    }
}

/// User plus system CPU time of a process, from /proc.
package enum ProcessCPU {
    package static func time(of pid: pid_t) throws -> Duration {
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
