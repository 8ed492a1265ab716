#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A `portico run` child process on a loopback port, for measuring the server apart
/// from the clients that load it.
final class ServerProcess: Sendable {
    let pid: pid_t
    let port: Int
    private let profilePath: String

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// Starts `executable` (by default this same one) with `profile`, the text of a
    /// profile, on a free loopback port.
    init(profile: String, executable: String = "/proc/self/exe") throws {
        port = try Self.freePort()
        var template = Array("/tmp/portico-bench-XXXXXX.toml".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemps($0.baseAddress!, 5) }
        guard fd >= 0 else { throw Failure(description: "cannot create a temporary profile: \(String(cString: strerror(errno)))") }
        profilePath = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let bytes = Array(profile.utf8)
        _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        close(fd)

        let arguments = ["portico", "run", "--profile", profilePath, "--http-address", "127.0.0.1", "--http-port", String(port)]
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        // The server's own log would interleave with the figures; it keeps warnings and errors.
        var environment: [UnsafeMutablePointer<CChar>?] = [strdup("PORTICO_LOG_LEVEL=warning")]
        var index = 0
        while let entry = environ[index] {
            if !String(cString: entry).hasPrefix("PORTICO_LOG_LEVEL=") { environment.append(strdup(entry)) }
            index += 1
        }
        environment.append(nil)
        defer { environment.forEach { free($0) } }
        let attributes = SpawnAttributes()
        var child = pid_t()
        let status = posix_spawn(&child, executable, nil, &attributes.value, &argv, &environment)
        guard status == 0 else {
            unlink(profilePath)
            throw Failure(description: "cannot start the server: \(String(cString: strerror(status)))")
        }
        pid = child
    }

    deinit {
        stop()
        unlink(profilePath)
    }

    /// Waits until the server answers `/state`.
    func waitUntilReady(timeout: Duration = .seconds(20)) throws {
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
    func cpuTime() throws -> Duration { try ProcessCPU.time(of: pid) }

    /// SIGTERM, then wait for it to exit.
    func stop() {
        guard kill(pid, 0) == 0 else { return }
        kill(pid, SIGTERM)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
    }

    static func freePort() throws -> Int {
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
