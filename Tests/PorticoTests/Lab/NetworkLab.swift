#if canImport(Glibc)
import Glibc
#endif
import FoundationEssentials
import PorticoCore
import PorticoTestSupport

/// The project's network lab (`Tests/Lab/netlab`): a real miniupnpd router in network
/// namespaces with camera hosts behind it. Each test gets a lab of its own prefix and
/// tears it down afterwards; traffic stays inside its namespaces.
final class NetworkLab: @unchecked Sendable {
    static let script = Repository.path("Tests/Lab/netlab")
    /// The router's address on the internet side, as `wan` reaches it.
    static let externalAddress = "203.0.113.10"

    let prefix: String
    let cameras: Int
    private var processes: [Subprocess] = []

    /// Root, namespaces and miniupnpd are needed; without them lab tests skip.
    static var isAvailable: Bool {
        getuid() == 0 && access("/usr/sbin/miniupnpd", X_OK) == 0 && access("/usr/bin/upnpc", X_OK) == 0
    }

    /// `NETLAB_TEST_PREFIX`, when set, replaces the test's own prefix: one lab test can
    /// then run beside labs that use the fixed ones.
    init(prefix: String, cameras: Int, environment: [String: String] = [:]) throws {
        self.prefix = getenv("NETLAB_TEST_PREFIX").map { String(cString: $0) }.flatMap { $0.isEmpty ? nil : $0 } ?? prefix
        self.cameras = cameras
        _ = try run(["down"])
        let up = try run(["up", String(cameras)])
        guard up.status == 0 else { throw TestFailure("netlab up failed:\n\(up.output)\n\(up.error)") }
    }

    deinit { tearDown() }

    /// Stops what the lab started and removes it. Tests call it in a `defer`: the lab's
    /// last reference can be dropped on another thread after the test runner has begun
    /// to exit, and the last lab of a run would then be left up. Safe to call again.
    func tearDown() {
        for process in processes {
            process.signal(SIGKILL)
            _ = try? process.wait(timeout: .seconds(5))
        }
        processes.removeAll()
        _ = try? run(["down"])
    }

    /// Runs `netlab ARGS…` with this lab's prefix.
    @discardableResult
    func run(_ arguments: [String], timeout: Duration = .seconds(60)) throws -> (status: Int32, output: String, error: String) {
        try Subprocess.run(
            ["NETLAB_PREFIX=\(prefix)", Self.script] + arguments, executable: "/usr/bin/env", timeout: timeout)
    }

    /// Starts `portico run` in camera `index`'s namespace with `profile`; stopped with the lab.
    func startPortico(camera index: Int, profile: String) throws -> Subprocess {
        try spawn(in: "cam\(index)", [Repository.executable, "run", "--profile", try temporaryProfile(profile)])
    }

    /// Starts `arguments` in the lab host `namespace` (`wan`, `router`, `cam4`…); stopped with the lab.
    func spawn(in namespace: String, _ arguments: [String]) throws -> Subprocess {
        let process = try Subprocess(["netns", "exec", "\(prefix)\(namespace)"] + arguments, executable: "/usr/sbin/ip")
        processes.append(process)
        return process
    }

    /// What a failing lab test saw last: the router's table, the requests the router
    /// logged last, the directory from `wan` and the end of each camera's log.
    func report(_ cameras: [Subprocess], lines: Int = 12) -> String {
        var text = "router's table:\n" + ((try? run(["mappings"]).output) ?? "unreadable")
        text += "\nrouter's log, its requests and errors:\n" + routerLog(lines: 2 * lines)
        let directory = (try? getFromWAN("http://\(NetworkLab.externalAddress):8080/directory.json", timeout: 3)).map {
            $0.status == 0 ? String(decoding: $0.body, as: UTF8.self) : "curl exit \($0.status)"
        }
        text += "\n/directory.json from wan: \(directory ?? "unreadable")"
        for (index, camera) in cameras.enumerated() {
            let log = (camera.output + camera.errorOutput).split(separator: "\n").suffix(lines).joined(separator: "\n")
            text += "\ncam\(index + 1)\(camera.exited().map { " (exited \($0))" } ?? ""):\n\(log)"
        }
        return text
    }

    /// The last `lines` of miniupnpd's log that say what it was asked and what failed
    /// (its debug lines about its own rule cache left out).
    func routerLog(lines: Int) -> String {
        let state = getenv("NETLAB_STATE").map { String(cString: $0) } ?? "/run/portico-netlab-\(prefix.hasSuffix("-") ? String(prefix.dropLast()) : prefix)"
        guard let log = try? Repository.readBytes("\(state)/miniupnpd.log") else { return "unreadable" }
        let wanted = ["request", "removed", "expired", "error", "fail", "STUN", "warning", "refus"]
        return String(decoding: log, as: UTF8.self).split(separator: "\n")
            .filter { line in wanted.contains { line.contains($0) } }
            .suffix(lines).joined(separator: "\n")
    }

    /// GET from the `wan` host, through the router's real forwarding. A refused
    /// connection is tried once more a second later, as a viewer reloads: miniupnpd
    /// carries out a NAT-PMP renewal by deleting the mapping's rule and adding it again,
    /// and a connection that arrives in that instant is refused.
    func getFromWAN(_ url: String, timeout: Int = 5, connectTimeout: Int = 1) throws -> (status: Int32, body: [UInt8]) {
        let file = try temporaryProfile("")
        defer { unlink(file) }
        let result = try Subprocess.run(
            ["netns", "exec", "\(prefix)wan", "curl", "-s", "-f", "--connect-timeout", String(connectTimeout), "-m", String(timeout),
             "--retry", "1", "--retry-connrefused", "--retry-delay", "1", "-o", file, url],
            executable: "/usr/sbin/ip", timeout: .seconds(2 * timeout + 6))
        return (result.status, try Repository.readBytes(file))
    }

    /// `/state` of the camera at `port` on the router's external address, from `wan`; nil when unreachable.
    func stateFromWAN(port: Int, address: String = NetworkLab.externalAddress, timeout: Int = 5, connectTimeout: Int = 1) throws -> StateReport? {
        let reply = try getFromWAN("http://\(address):\(port)/state", timeout: timeout, connectTimeout: connectTimeout)
        guard reply.status == 0 else { return nil }
        return try JSONDecoder().decode(StateReport.self, from: Data(reply.body))
    }
}
