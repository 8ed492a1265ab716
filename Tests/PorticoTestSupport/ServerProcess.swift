#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A `portico run` child process on a loopback port, for measuring the server apart
/// from the clients that load it.
package final class ServerProcess: Sendable {
    private let process: ChildProcess
    package let port: Int
    private let profilePath: String

    package var pid: pid_t { process.pid }

    package struct Failure: Error, CustomStringConvertible {
        package let description: String
        package init(description: String) { self.description = description }
    }

    /// Starts `executable` (by default the `portico` built beside this program) with
    /// `profile`, the text of a profile, on a free loopback port.
    package init(profile: String, executable: String = Repository.executable) throws {
        port = try Self.freePort()
        var template = Array("/tmp/portico-bench-XXXXXX.toml".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemps($0.baseAddress!, 5) }
        guard fd >= 0 else { throw Failure(description: "cannot create a temporary profile: \(String(cString: strerror(errno)))") }
        profilePath = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let bytes = Array(profile.utf8)
        _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        close(fd)
        // The server's own log would interleave with the figures; it keeps warnings and errors.
        let environment = ["PORTICO_LOG_LEVEL=warning"] + ChildProcess.inheritedEnvironment.filter { !$0.hasPrefix("PORTICO_LOG_LEVEL=") }
        do {
            process = try ChildProcess(
                executable: executable,
                arguments: ["portico", "run", "--profile", profilePath, "--http-address", "127.0.0.1", "--http-port", String(port)],
                environment: environment)
        } catch {
            unlink(profilePath)
            throw error
        }
    }

    deinit {
        stop()
        unlink(profilePath)
    }

    /// Waits until the server answers `/state`.
    package func waitUntilReady(timeout: Duration = .seconds(20)) throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let reply = try? LoopbackHTTPClient.get(port: port, path: "/state", timeout: .seconds(2)), reply.status == 200 {
                return
            }
            usleep(50_000)
        }
        throw Failure(description: "the server did not answer on port \(port) within \(timeout)")
    }

    /// User plus system CPU time the server has used so far.
    package func cpuTime() throws -> Duration { try process.cpuTime() }

    /// SIGTERM, then wait for it to exit.
    package func stop() { process.stop() }

    package static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(fd, pointer, length) == 0 && getsockname(fd, pointer, &length) == 0
            }
        }
        guard bound else { throw Failure(description: "no free loopback port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
