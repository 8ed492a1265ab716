#if canImport(Glibc)
import Glibc
#endif
import FoundationEssentials
import PorticoCore
import PorticoTestSupport
import Testing

/// `/metrics` read by Prometheus's own parser (PyPI's prometheus-client, in the venv
/// `scripts/setup` makes) and checked against `/state` of the same running camera, by
/// `Tests/Metrics/check_metrics.py`.
@Suite("Prometheus /metrics against /state", .serialized)
struct MetricsTests {
    static let python = Repository.path(".venv-prometheus/bin/python")
    static let checker = Repository.path("Tests/Metrics/check_metrics.py")
    static var hasParser: Bool { access(python, X_OK) == 0 }

    static let camera = """
        name = "porch"
        [camera]
        source = "test-pattern"
        size = "320x240"
        fps = 15
        quality = 70
        """

    static func check(_ arguments: [String], in namespace: String? = nil) throws -> String {
        let command = [python, checker] + arguments
        let result = namespace.map { namespace in
            Result { try Subprocess.run(["netns", "exec", namespace] + command, executable: "/usr/sbin/ip", timeout: .seconds(60)) }
        } ?? Result { try Subprocess.run(Array(command.dropFirst()), executable: python, timeout: .seconds(60)) }
        let (status, output, error) = try result.get()
        #expect(status == 0, "check_metrics.py failed:\n\(output)\n\(error)")
        return output
    }

    @Test("a camera with a viewer and two wrong passwords: frames, encode times, clients, signal and logins match /state",
          .enabled(if: hasParser, "needs the venv with prometheus-client (scripts/setup)"))
    func camera() async throws {
        let server = try ServerProcess(profile: Self.camera, admin: try TestAdmin())
        defer { server.stop() }
        let port = server.port
        try await blocking { try server.waitUntilReady() }
        let output = try await blocking {
            for attempt in 1...2 {
                let reply = try LoopbackHTTPClient.post(
                    port: port, path: "/api/register",
                    headers: ["Authorization": TestAdmin.authorization(password: "wrong-\(attempt)")], body: [])
                #expect(reply.status == 401)
            }
            var viewer = try LoopbackHTTPClient.openStream(port: port)
            for _ in 0..<20 { _ = try viewer.next() }
            return try Self.check(["http://127.0.0.1:\(port)", "--clients", "1", "--wrong-logins", "2"])
        }
        print(output)
    }

    @Test("views = \"admin\" closes /metrics too; with the password it reads as before")
    func closedViews() async throws {
        let admin = try TestAdmin()
        let server = try ServerProcess(profile: Self.camera, admin: admin, http: "views = \"admin\"\n")
        defer { server.stop() }
        let port = server.port
        try await blocking {
            // Ready when it answers at all: /state is closed too.
            try eventually(.seconds(20), "the server answers") { (try? LoopbackHTTPClient.get(port: port, path: "/state", timeout: .seconds(2))) != nil }
            let closed = try LoopbackHTTPClient.get(port: port, path: "/metrics")
            #expect(closed.status == 401)
            #expect(!closed.text.contains("portico_"))
            if Self.hasParser {
                print(try Self.check(["http://127.0.0.1:\(port)", "--password", "s3cret-pass", "--wrong-logins", "0"]))
            }
        }
    }
}
