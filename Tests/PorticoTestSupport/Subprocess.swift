#if canImport(Glibc)
import Glibc
#endif

/// The `portico` executable run as a user runs it: arguments in, exit status and
/// output out, signals delivered for real.
package final class Subprocess: @unchecked Sendable {
    package let pid: pid_t
    private let outputPath: String
    private let errorPath: String
    private var exitStatus: Int32?

    package init(_ arguments: [String], executable: String = Repository.executable, stdin: String = "/dev/null") throws {
        outputPath = Self.temporaryPath("out")
        errorPath = Self.temporaryPath("err")
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, stdin, O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, errorPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        var argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let attributes = SpawnAttributes()
        var child = pid_t()
        let status = posix_spawn(&child, executable, &actions, &attributes.value, &argv, environ)
        guard status == 0 else { throw TestFailure("cannot start \(executable): \(String(cString: strerror(status)))") }
        pid = child
    }

    deinit {
        if exitStatus == nil {
            kill(pid, SIGKILL)
            var status: Int32 = 0
            waitpid(pid, &status, 0)
        }
        unlink(outputPath)
        unlink(errorPath)
    }

    /// Runs to completion and returns (status, stdout, stderr).
    package static func run(
        _ arguments: [String], executable: String = Repository.executable, stdin: String = "/dev/null",
        timeout: Duration = .seconds(30)
    ) throws -> (status: Int32, output: String, error: String) {
        let process = try Subprocess(arguments, executable: executable, stdin: stdin)
        let status = try process.wait(timeout: timeout)
        return (status, process.output, process.errorOutput)
    }

    package func signal(_ number: Int32) { kill(pid, number) }

    /// Waits for the exit and returns its status; a signal death is 128 + signal.
    package func wait(timeout: Duration) throws -> Int32 {
        let deadline = ContinuousClock.now + timeout
        while true {
            if let code = exited() { return code }
            if ContinuousClock.now >= deadline {
                throw TestFailure("portico did not exit within \(timeout); stderr:\n\(errorOutput)")
            }
            usleep(5_000)
        }
    }

    /// The exit status if the process has ended (128 + signal for a signal death), nil while it runs.
    package func exited() -> Int32? {
        if let exitStatus { return exitStatus }
        var status: Int32 = 0
        guard waitpid(pid, &status, WNOHANG) == pid else { return nil }
        let code = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        exitStatus = code
        return code
    }

    package var output: String { (try? Self.contents(outputPath)) ?? "" }
    package var errorOutput: String { (try? Self.contents(errorPath)) ?? "" }

    private static func temporaryPath(_ kind: String) -> String {
        var template = Array("/tmp/portico-test-\(kind)-XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        close(fd)
        return String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    private static func contents(_ path: String) throws -> String {
        guard let file = fopen(path, "r") else { throw TestFailure("cannot read \(path)") }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while case let count = fread(&buffer, 1, buffer.count, file), count > 0 { bytes += buffer[0..<count] }
        return String(decoding: bytes, as: UTF8.self)
    }
}
