#if canImport(Glibc)
import Glibc
#endif
import FoundationEssentials
@testable import PorticoCore
import PorticoTestSupport
import Testing

@Suite("Admin password and the authenticated API")
struct AdminTests {
    @Test("the credential is a salted hash: verifies the password, not another, and differs per salt")
    func credential() throws {
        let one = try AdminCredential(password: "correct horse", iterations: 2_000)
        let two = try AdminCredential(password: "correct horse", iterations: 2_000)
        #expect(one.verifies("correct horse"))
        #expect(!one.verifies("correct hors"))
        #expect(!one.verifies(""))
        #expect(one.salt != two.salt && one.hash != two.hash)
        #expect(!one.line.contains("correct"))
        #expect(try AdminCredential(parsing: one.line) == one)
        #expect(throws: AdminCredential.Failure.self) { try AdminCredential(password: "short") }
        for broken in ["", "plain", "pbkdf2-sha256$10$00$00", "md5$1000$0011223344556677$" + String(repeating: "0", count: 64)] {
            #expect(throws: AdminCredential.Failure.self) { try AdminCredential(parsing: broken) }
        }
        // RFC 7914 §11's PBKDF2-HMAC-SHA256 vector: P="passwd", S="salt", c=1, first 32 bytes.
        #expect(AdminCredential.hex(AdminCredential.pbkdf2(password: Array("passwd".utf8), salt: Array("salt".utf8), iterations: 1))
                == "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc")
    }

    static func profile(state: String, admin: String) -> String {
        """
        name = "porch"
        state_dir = "\(state)"
        [http]
        admin_file = "\(admin)"
        """
    }

    static func post(_ port: Int, _ path: String, password: String?, body: String) throws -> LoopbackHTTPClient.Reply {
        var headers: [String: String] = [:]
        if let password { headers["Authorization"] = "Basic " + Data("admin:\(password)".utf8).base64EncodedString() }
        return try LoopbackHTTPClient.post(port: port, path: path, headers: headers, body: Array(body.utf8))
    }

    @Test("without a password set, without credentials or with a wrong one: 401 and nothing changes")
    func refused() async throws {
        let folder = try temporaryFolder()
        let admin = folder + "/admin"
        try await withDaemon(profile: Self.profile(state: folder, admin: admin)) { port in
            try await blocking {
                let none = try Self.post(port, "/api/name", password: "anything-at-all", body: #"{"name": "garage"}"#)
                #expect(none.status == 401)
                #expect(none.text.contains("portico passwd"))

                try AdminCredential(password: "s3cret-pass", iterations: 2_000).save(to: admin)
                let anonymous = try Self.post(port, "/api/name", password: nil, body: #"{"name": "garage"}"#)
                #expect(anonymous.status == 401)
                #expect(anonymous.header("WWW-Authenticate") == #"Basic realm="portico""#)

                var delays: [Duration] = []
                for _ in 0..<3 {
                    let start = ContinuousClock.now
                    let wrong = try Self.post(port, "/api/name", password: "guess", body: #"{"name": "garage"}"#)
                    delays.append(ContinuousClock.now - start)
                    #expect(wrong.status == 401)
                }
                // The third wrong password waits out the throttle's delay whatever the load
                // (a busy machine only adds to it, to the first answer as much as the third).
                #expect(delays[2] >= .milliseconds(900), "failures are slowed down: \(delays)")
                let state = try JSONDecoder().decode(StateReport.self, from: Data(LoopbackHTTPClient.get(port: port, path: "/state").body))
                #expect(state.name == "porch")
                #expect(access(folder + "/name", F_OK) != 0)
            }
        }
    }

    @Test("with the password: renamed, kept atomically in the state folder, and a bad name refused")
    func renamed() async throws {
        let folder = try temporaryFolder()
        let admin = folder + "/admin"
        try AdminCredential(password: "s3cret-pass", iterations: 2_000).save(to: admin)
        try await withDaemon(profile: Self.profile(state: folder, admin: admin)) { port in
            try await blocking {
                let bad = try Self.post(port, "/api/name", password: "s3cret-pass", body: #"{"name": "front door"}"#)
                #expect(bad.status == 400 && bad.text.contains("cannot be a camera name"))
                let malformed = try Self.post(port, "/api/name", password: "s3cret-pass", body: "name=garage")
                #expect(malformed.status == 400)
                let good = try Self.post(port, "/api/name", password: "s3cret-pass", body: #"{"name": "garage"}"#)
                #expect(good.status == 200)
                let state = try JSONDecoder().decode(StateReport.self, from: Data(LoopbackHTTPClient.get(port: port, path: "/state").body))
                #expect(state.name == "garage")
                #expect(try Repository.readAbsolute(folder + "/name") == "garage\n")
                let register = try Self.post(port, "/api/register", password: "s3cret-pass", body: "")
                #expect(register.status == 409, "this board has no [mapping]")
                let move = try Self.post(port, "/api/ptz", password: "s3cret-pass", body: #"{"command": "home"}"#)
                #expect(move.status == 404 && move.text.contains("no [pan_tilt]"), "\(move.text)")
                #expect(try Self.post(port, "/api/ptz", password: nil, body: #"{"command": "home"}"#).status == 401)
            }
        }
        // A restart keeps the new name.
        try await withDaemon(profile: Self.profile(state: folder, admin: admin)) { port in
            let state = try await blocking {
                try JSONDecoder().decode(StateReport.self, from: Data(LoopbackHTTPClient.get(port: port, path: "/state").body))
            }
            #expect(state.name == "garage")
        }
    }

    @Test("views = \"admin\" closes the pages too; by default they are open")
    func closedViews() async throws {
        let folder = try temporaryFolder()
        let admin = folder + "/admin"
        try AdminCredential(password: "s3cret-pass", iterations: 2_000).save(to: admin)
        try await withDaemon(profile: Self.profile(state: folder, admin: admin) + "\nviews = \"admin\"\n") { port in
            try await blocking {
                #expect(try LoopbackHTTPClient.get(port: port, path: "/state").status == 401)
                #expect(try LoopbackHTTPClient.get(port: port, path: "/").status == 401)
                let token = "Basic " + Data("admin:s3cret-pass".utf8).base64EncodedString()
                let connection = try LoopbackHTTPClient.Connection(host: "127.0.0.1", port: port, timeout: .seconds(5))
                try connection.send("GET /state HTTP/1.1\r\nHost: x\r\nConnection: close\r\nAuthorization: \(token)\r\n\r\n")
                #expect(try connection.readHead().status == 200)
            }
        }
        try await withDaemon(profile: Self.profile(state: folder, admin: admin)) { port in
            let status = try await blocking { try LoopbackHTTPClient.get(port: port, path: "/state").status }
            #expect(status == 200)
        }
    }

    @Test("portico passwd writes a hash, mode 0600, from standard input; a short password is refused")
    func passwd() throws {
        let folder = try temporaryFolder()
        let file = folder + "/admin"
        let input = try temporaryProfile("a-long-enough-password\n")
        let short = try temporaryProfile("short\n")
        defer { unlink(input); unlink(short) }
        let result = try Subprocess.run(["passwd", "--file", file], stdin: input)
        #expect(result.status == 0, "\(result.output)\(result.error)")
        let stored = try AdminCredential(parsing: try Repository.readAbsolute(file).filter { !$0.isWhitespace })
        #expect(stored.verifies("a-long-enough-password"))
        var info = stat()
        stat(file, &info)
        #expect(info.st_mode & 0o777 == 0o600)
        let refused = try Subprocess.run(["passwd", "--file", folder + "/other"], stdin: short)
        #expect(refused.status == 2 && refused.output.contains("shorter than 8"))
        #expect(access(folder + "/other", F_OK) != 0)
    }
}
