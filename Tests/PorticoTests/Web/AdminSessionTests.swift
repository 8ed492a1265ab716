#if canImport(Glibc)
import Glibc
#endif
import FoundationEssentials
import Logging
@testable import PorticoCore
import PorticoTestSupport
import Testing

/// Sessions, the origin rule and the LAN rule over real HTTP on loopback.
@Suite("Admin sessions over HTTP")
struct AdminSessionTests {
    static let password = "s3cret-pass"

    /// One request on its own connection, from `source`, with exactly these headers
    /// (plus Host, Content-Length and Connection: close).
    static func send(
        _ port: Int, _ method: String, _ path: String, headers: [String: String] = [:], body: String = "", from source: String? = nil
    ) throws -> LoopbackHTTPClient.Reply {
        let connection = try LoopbackHTTPClient.Connection(host: "127.0.0.1", port: port, timeout: .seconds(15), from: source)
        var head = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\nContent-Length: \(body.utf8.count)\r\n"
        for (name, value) in headers.sorted(by: { $0.key < $1.key }) { head += "\(name): \(value)\r\n" }
        try connection.send(head + "\r\n" + body)
        let reply = try connection.readHead()
        var reader = LoopbackHTTPClient.BodyReader(connection: connection)
        return LoopbackHTTPClient.Reply(status: reply.status, headers: reply.headers, body: try reader.readAll())
    }

    static func name(_ port: Int) throws -> String {
        try JSONDecoder().decode(StateReport.self, from: Data(LoopbackHTTPClient.get(port: port, path: "/state").body)).name
    }

    static let form = "application/x-www-form-urlencoded"

    /// Logs in by the form; returns the session id from `Set-Cookie`.
    static func logIn(_ port: Int, password: String = password, headers: [String: String] = [:]) throws -> (LoopbackHTTPClient.Reply, String?) {
        var all = ["Content-Type": form, "Origin": "http://127.0.0.1:\(port)"]
        all.merge(headers) { $1 }
        let reply = try send(port, "POST", "/login", headers: all, body: "password=\(FormEncoding.encode(password))")
        let id = reply.header("Set-Cookie").flatMap { cookie in
            cookie.split(separator: ";").first.map { String($0.dropFirst("portico_session=".count)) }
        }
        return (reply, id)
    }

    @Test("login gives a fresh HttpOnly SameSite=Strict cookie; with it and the page's Origin a rename works; another site's POST is refused")
    func sessionAndOrigin() async throws {
        let folder = try temporaryFolder()
        let admin = folder + "/admin"
        try AdminCredential(password: Self.password, iterations: 2_000).save(to: admin)
        try await withDaemon(profile: AdminTests.profile(state: folder, admin: admin)) { port in
            try await blocking {
                let same = "http://127.0.0.1:\(port)"
                let page = try Self.send(port, "GET", "/login?next=/state")
                #expect(page.status == 200 && page.text.contains(#"name="password""#) && page.text.contains(#"value="/state""#))

                let (wrong, noID) = try Self.logIn(port, password: "not-the-password")
                #expect(wrong.status == 401 && wrong.text.contains("Wrong password") && noID == nil)

                // A cookie planted before the login is not promoted: the login makes a new id.
                let planted = String(repeating: "A", count: 43)
                let (login, id) = try Self.logIn(port, headers: ["Cookie": "portico_session=\(planted)"])
                #expect(login.status == 303 && login.header("Location") == "/camera")
                let cookie = try #require(login.header("Set-Cookie"))
                #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict") && cookie.contains("Path=/") && cookie.contains("Max-Age=43200"))
                let session = try #require(id)
                #expect(session.count == 43 && session != planted)
                let plantedRename = try Self.send(port, "POST", "/api/name", headers: [
                    "Cookie": "portico_session=\(planted)", "Origin": same, "Content-Type": "application/json",
                ], body: #"{"name": "planted"}"#)
                #expect(plantedRename.status == 401, "the planted id is no session")

                #expect(try Self.logIn(port).0.status == 303)
                let next = try Self.send(port, "POST", "/login", headers: ["Content-Type": Self.form, "Origin": same],
                                         body: "password=\(Self.password)&next=%2F%2Fevil.example%2F")
                #expect(next.header("Location") == "/camera", "an off-site next is not followed")

                // Another site's page, the admin's cookie attached: nothing changes, 403.
                let foreign: [(String, [String: String], String)] = [
                    ("cross-site JSON", ["Origin": "http://evil.example", "Content-Type": "application/json"], #"{"name": "pwned"}"#),
                    ("cross-site text/plain", ["Origin": "http://evil.example", "Content-Type": "text/plain"], #"{"name": "pwned"}"#),
                    ("cross-site form", ["Origin": "null", "Content-Type": Self.form, "Sec-Fetch-Site": "cross-site"], "name=pwned"),
                    ("Referer of another site", ["Referer": "http://evil.example/x", "Content-Type": Self.form], "name=pwned"),
                    ("another port of this host", ["Origin": "http://127.0.0.1:\(port + 1)", "Content-Type": Self.form], "name=pwned"),
                    ("neither Origin nor Referer", ["Content-Type": "application/json"], #"{"name": "pwned"}"#),
                ]
                for (label, headers, body) in foreign {
                    let reply = try Self.send(port, "POST", "/api/name", headers: headers.merging(["Cookie": "portico_session=\(session)"]) { $1 }, body: body)
                    #expect(reply.status == 403, "\(label): \(reply.status) \(reply.text)")
                    #expect(reply.text.contains("nothing changed"), "\(label): \(reply.text)")
                }
                // Basic auth from a cross-site page is refused too.
                let basic = "Basic " + Data("admin:\(Self.password)".utf8).base64EncodedString()
                let crossBasic = try Self.send(port, "POST", "/api/name", headers: [
                    "Authorization": basic, "Origin": "http://evil.example", "Content-Type": "text/plain",
                ], body: #"{"name": "pwned"}"#)
                #expect(crossBasic.status == 403)
                #expect(try Self.name(port) == "porch")

                // The camera's own page: JSON with its Origin, a form with its Referer.
                let renamed = try Self.send(port, "POST", "/api/name", headers: [
                    "Cookie": "portico_session=\(session)", "Origin": same, "Content-Type": "application/json",
                ], body: #"{"name": "garage"}"#)
                #expect(renamed.status == 200 && renamed.text.contains("garage"))
                #expect(try Self.name(port) == "garage")
                let formRename = try Self.send(port, "POST", "/api/name", headers: [
                    "Cookie": "other=1; portico_session=\(session)", "Referer": "\(same)/camera?tab=settings#x", "Content-Type": Self.form,
                ], body: "name=front_door")
                #expect(formRename.status == 303 && formRename.header("Location") == "/camera?tab=settings", "\(formRename.status) \(formRename.text)")
                #expect(try Self.name(port) == "front_door")
                let badForm = try Self.send(port, "POST", "/api/name", headers: [
                    "Cookie": "portico_session=\(session)", "Origin": same, "Content-Type": Self.form,
                ], body: "name=front+door")
                #expect(badForm.status == 400 && badForm.text.contains("cannot be a camera name"))
                #expect(try Repository.readAbsolute(folder + "/name") == "front_door\n")

                // Logout ends the session, and only from the camera's page.
                #expect(try Self.send(port, "POST", "/logout", headers: ["Cookie": "portico_session=\(session)", "Origin": "http://evil.example"]).status == 403)
                let out = try Self.send(port, "POST", "/logout", headers: ["Cookie": "portico_session=\(session)", "Origin": same])
                #expect(out.status == 303 && out.header("Location") == "/" && out.header("Set-Cookie")?.contains("Max-Age=0") == true)
                let after = try Self.send(port, "POST", "/api/name", headers: [
                    "Cookie": "portico_session=\(session)", "Origin": same, "Content-Type": "application/json",
                ], body: #"{"name": "after"}"#)
                #expect(after.status == 401 && after.header("WWW-Authenticate") == nil, "a browser's fetch gets no Basic challenge")
                #expect(try Self.name(port) == "front_door")
            }
        }
    }

    @Test("a password change writes the credential atomically and logs the other sessions out")
    func passwordChange() async throws {
        let folder = try temporaryFolder()
        let admin = folder + "/admin"
        try AdminCredential(password: Self.password, iterations: 2_000).save(to: admin)
        try await withDaemon(profile: AdminTests.profile(state: folder, admin: admin)) { port in
            try await blocking {
                let same = "http://127.0.0.1:\(port)"
                let mine = try #require(try Self.logIn(port).1)
                let other = try #require(try Self.logIn(port).1)
                func change(_ body: String, session: String) throws -> LoopbackHTTPClient.Reply {
                    try Self.send(port, "POST", "/api/password", headers: [
                        "Cookie": "portico_session=\(session)", "Origin": same, "Content-Type": Self.form,
                    ], body: body)
                }
                let wrong = try change("current=guess-again&new=another-pass", session: mine)
                #expect(wrong.status == 403 && wrong.text.contains("nothing changed"))
                let short = try change("current=\(Self.password)&new=short", session: mine)
                #expect(short.status == 400 && short.text.contains("shorter than 8"))
                #expect(try AdminCredential(parsing: Repository.readAbsolute(admin).filter { !$0.isWhitespace }).verifies(Self.password))

                let changed = try change("current=\(Self.password)&new=another-pass", session: mine)
                #expect(changed.status == 303, "\(changed.status) \(changed.text)")
                let stored = try AdminCredential(parsing: Repository.readAbsolute(admin).filter { !$0.isWhitespace })
                #expect(stored.verifies("another-pass") && !stored.verifies(Self.password))
                var info = stat()
                stat(admin, &info)
                #expect(info.st_mode & 0o777 == 0o600)

                func rename(_ name: String, session: String) throws -> Int {
                    try Self.send(port, "POST", "/api/name", headers: [
                        "Cookie": "portico_session=\(session)", "Origin": same, "Content-Type": "application/json",
                    ], body: #"{"name": "\#(name)"}"#).status
                }
                #expect(try rename("kept", session: mine) == 200, "the session that changed it stays")
                #expect(try rename("lost", session: other) == 401, "the other session must log in again")
                #expect(try Self.logIn(port, password: Self.password).0.status == 401)
                #expect(try Self.logIn(port, password: "another-pass").0.status == 303)
            }
        }
    }

    @Test("portico register and --withdraw authenticate with Basic over loopback; a wrong password is refused")
    func registerCommand() async throws {
        let folder = try temporaryFolder()
        let admin = folder + "/admin"
        try AdminCredential(password: Self.password, iterations: 2_000).save(to: admin)
        let right = try temporaryProfile(Self.password + "\n")
        let wrong = try temporaryProfile("not-the-password\n")
        defer { unlink(right); unlink(wrong) }
        // NAT-PMP to a gateway on loopback where nothing answers: registering starts, and fails quietly.
        let profile = AdminTests.profile(state: folder, admin: admin) + """

            [mapping]
            backend = "natpmp"
            interface = "lo"
            gateway = "127.0.0.1"
            """
        try await withDaemon(profile: profile) { port in
            try await blocking {
                let register = try Subprocess.run(["register", "--camera", "127.0.0.1:\(port)"], stdin: right)
                #expect(register.status == 0 && register.output.contains("registering"), "\(register.output)\(register.error)")
                let withdraw = try Subprocess.run(["register", "--camera", "127.0.0.1:\(port)", "--withdraw"], stdin: right)
                #expect(withdraw.status == 0 && withdraw.output.contains("withdrawing"), "\(withdraw.output)\(withdraw.error)")
                let refused = try Subprocess.run(["register", "--camera", "127.0.0.1:\(port)"], stdin: wrong)
                #expect(refused.status == 1 && refused.output.contains("admin required"), "\(refused.output)\(refused.error)")
            }
        }
    }

    /// A web server alone on 127.0.0.1, whose LAN is `lan`: 127.0.0.2 can then be outside.
    static func withServer(
        folder: String, reach: AdminReach, _ body: @escaping @Sendable (_ port: Int, _ name: CameraName) async throws -> Void
    ) async throws {
        let admin = folder + "/admin"
        let profile = try ProfileLoader(registry: PluginRegistry()).load(text: AdminTests.profile(state: folder, admin: admin), file: "test.toml")
        let name = CameraName(profileName: profile.name, stateDirectory: folder)
        let state = StateReporter(profile: profile, name: name, hub: nil, registration: nil, site: nil)
        var logger = Logger(label: "portico-test")
        logger.logLevel = .warning
        let web = WebServer(
            configuration: .init(address: "127.0.0.1", port: 0), name: { name.value }, hub: nil, logger: logger,
            state: { state.report() }, admin: AdminSessions(passwords: AdminGuard(credentialFile: admin), reach: reach),
            actions: WebActions(rename: { try name.rename(to: $0) }))
        try await withWebServer(web, logger: logger) { port in try await body(port, name) }
    }

    @Test("admin_from = \"lan\" refuses a client outside the LAN, with how to allow it; \"anywhere\" lets it in")
    func lanOnly() async throws {
        let folder = try temporaryFolder()
        try AdminCredential(password: Self.password, iterations: 2_000).save(to: folder + "/admin")
        let basic = "Basic " + Data("admin:\(Self.password)".utf8).base64EncodedString()
        let lan = AdminReach(from: .lan, lan: { [IPv4Subnet("127.0.0.1/32")!] })
        try await Self.withServer(folder: folder, reach: lan) { port, name in
            try await blocking {
                let page = try Self.send(port, "GET", "/login", from: "127.0.0.2")
                #expect(page.status == 403 && page.text.contains("admin_from = &quot;anywhere&quot;"), "\(page.text)")
                let login = try Self.send(port, "POST", "/login", headers: ["Content-Type": Self.form], body: "password=\(Self.password)", from: "127.0.0.2")
                #expect(login.status == 403 && login.header("Set-Cookie") == nil)
                let rename = try Self.send(port, "POST", "/api/name", headers: ["Authorization": basic], body: #"{"name": "outside"}"#, from: "127.0.0.2")
                #expect(rename.status == 403 && rename.text.contains(#"[http] admin_from = "anywhere""#), "\(rename.text)")
                #expect(name.value == "porch")
                // Looking stays open to everyone.
                #expect(try Self.send(port, "GET", "/state", from: "127.0.0.2").status == 200)
                // From the LAN the same request is let in.
                let inside = try Self.send(port, "POST", "/api/name", headers: ["Authorization": basic], body: #"{"name": "inside"}"#, from: "127.0.0.1")
                #expect(inside.status == 200)
                #expect(name.value == "inside")
            }
        }
        try await Self.withServer(folder: folder, reach: AdminReach(from: .anywhere, lan: { [IPv4Subnet("127.0.0.1/32")!] })) { port, name in
            try await blocking {
                let login = try Self.send(port, "POST", "/login", headers: ["Content-Type": Self.form], body: "password=\(Self.password)", from: "127.0.0.2")
                #expect(login.status == 303 && login.header("Set-Cookie") != nil)
            }
        }
    }
}
