#if canImport(Glibc)
import Glibc
#endif
import FoundationEssentials
import PorticoCore
import PorticoTestSupport
import Testing

/// Every change an admin makes is in the log once, at notice, with where it came from.
@Suite("Admin changes in the log", .serialized)
struct AdminChangeLogTests {
    @Test("a rename through the API: one notice line naming the new name and the client's address")
    func rename() throws {
        let folder = try temporaryFolder()
        defer { _ = try? Subprocess.run(["-rf", folder], executable: "/bin/rm") }
        try AdminCredential(password: "log-test-pass", iterations: 2_000).save(to: folder + "/admin")
        let port = try ServerProcess.freePort()
        let profile = try temporaryProfile("""
            name = "porch"
            state_dir = "\(folder)"
            [http]
            address = "127.0.0.1"
            port = \(port)
            admin_file = "\(folder)/admin"
            """)
        defer { unlink(profile) }
        let process = try Subprocess(["run", "--profile", profile])
        try eventually(.seconds(20), "serving") { process.errorOutput.contains("serving http://") }
        let token = Data("admin:log-test-pass".utf8).base64EncodedString()
        // From another loopback address, so the line can only have it from the request.
        let reply = try LoopbackHTTPClient.post(
            port: port, path: "/api/name", headers: ["Authorization": "Basic \(token)"], body: Array(#"{"name": "garage"}"#.utf8),
            from: "127.0.0.7")
        #expect(reply.status == 200, "\(reply.text)")
        let refused = try LoopbackHTTPClient.post(
            port: port, path: "/api/name", headers: ["Authorization": "Basic \(Data("admin:wrong".utf8).base64EncodedString())"],
            body: Array(#"{"name": "shed"}"#.utf8), from: "127.0.0.8")
        #expect(refused.status == 401)
        try eventually(.seconds(5), "the notice") { process.errorOutput.contains("renamed") }
        process.signal(SIGTERM)
        #expect(try process.wait(timeout: .seconds(10)) == 0)
        let lines = process.errorOutput.split(separator: "\n").filter { $0.hasSuffix("] renamed") }
        #expect(lines.count == 1, "\(process.errorOutput)")
        let line = try #require(lines.first)
        #expect(line.contains(" notice portico: "), "at notice: \(line)")
        #expect(line.contains("client=127.0.0.7") && line.contains("name=garage"), "\(line)")
        #expect(!process.errorOutput.contains("name=shed"), "a refused change is not logged as made")
    }
}
