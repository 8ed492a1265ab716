#if canImport(Glibc)
import Glibc
#endif
import FoundationEssentials
import PorticoCore
import Testing

import PorticoTestSupport

/// Administration through a real HTTPS reverse proxy: Debian's nginx terminates TLS
/// (a self-signed certificate) on loopback in front of a real `portico run`, as a user
/// who puts the camera behind nginx would, configured as the README says. curl plays
/// the browser: it sends the `Origin` a browser on `https://cam.test:<port>/` sends.
@Suite("Administration through an HTTPS proxy (nginx)", .serialized,
       .enabled(if: TLSProxy.isAvailable, "needs nginx, openssl and curl (scripts/setup installs them)"))
struct TLSProxyTests {
    static let password = "proxy-admin-pass"

    /// The proxy part of the README's example: the browser's `Host` passed on, the
    /// client appended to `X-Forwarded-For`, the scheme in `X-Forwarded-Proto`, no
    /// buffering so that `/stream` flows.
    static func configuration(folder: String, port: Int, camera: Int) -> String {
        """
        daemon off;
        master_process off;
        pid \(folder)/nginx.pid;
        error_log \(folder)/error.log warn;
        events { worker_connections 64; }
        http {
            access_log off;
            client_body_temp_path \(folder)/body;
            proxy_temp_path \(folder)/proxy;
            fastcgi_temp_path \(folder)/fastcgi;
            uwsgi_temp_path \(folder)/uwsgi;
            scgi_temp_path \(folder)/scgi;
            server {
                listen 127.0.0.1:\(port) ssl;
                server_name cam.test;
                ssl_certificate \(folder)/cert.pem;
                ssl_certificate_key \(folder)/key.pem;
                location / {
                    proxy_pass http://127.0.0.1:\(camera);
                    proxy_http_version 1.1;
                    proxy_set_header Host $http_host;
                    proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
                    proxy_set_header X-Forwarded-Proto $scheme;
                    proxy_buffering off;
                }
            }
        }

        """
    }

    /// curl as a browser on the camera's https page would send it: through the proxy at
    /// `https://cam.test:<port>` (resolved to loopback), certificate not checked
    /// (self-signed). Returns the status and the body.
    static func curl(_ arguments: [String], folder: String) throws -> (status: Int, body: String) {
        let result = try Subprocess.run(
            ["-s", "-k", "-m", "10", "-b", folder + "/cookies", "-c", folder + "/cookies", "-w", "\n%{http_code}"] + arguments,
            executable: "/usr/bin/curl", timeout: .seconds(20))
        var lines = result.output.split(separator: "\n", omittingEmptySubsequences: false)
        let status = Int(lines.popLast() ?? "") ?? 0
        return (status, lines.joined(separator: "\n"))
    }

    @Test("log in and rename through nginx over https; a cross-site POST through it, and the proxy's headers from anyone else, change nothing")
    func adminThroughProxy() async throws {
        let folder = try temporaryFolder()
        defer { _ = try? Subprocess.run(["-rf", folder], executable: "/bin/rm") }
        let key = try Subprocess.run(
            ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1",
             "-subj", "/CN=cam.test", "-keyout", folder + "/key.pem", "-out", folder + "/cert.pem"],
            executable: "/usr/bin/openssl")
        try #require(key.status == 0, "\(key.error)")
        try AdminCredential(password: Self.password, iterations: 2_000).save(to: folder + "/admin")
        let cameraPort = try ServerProcess.freePort()
        let proxyPort = try ServerProcess.freePort()
        let profile = try temporaryProfile("""
            name = "porch"
            state_dir = "\(folder)"
            [http]
            address = "127.0.0.1"
            port = \(cameraPort)
            admin_file = "\(folder)/admin"
            tls_proxy = "127.0.0.1"

            """)
        defer { unlink(profile) }
        let camera = try Subprocess(["120", Repository.executable, "run", "--profile", profile], executable: "/usr/bin/timeout")
        defer {
            camera.signal(SIGTERM)
            _ = try? camera.wait(timeout: .seconds(5))
        }
        let conf = try temporaryProfile(Self.configuration(folder: folder, port: proxyPort, camera: cameraPort))
        defer { unlink(conf) }
        let proxy = try Subprocess(["120", TLSProxy.nginx, "-p", folder, "-e", folder + "/error.log", "-c", conf], executable: "/usr/bin/timeout")
        defer {
            proxy.signal(SIGTERM)
            _ = try? proxy.wait(timeout: .seconds(5))
        }
        try await blocking {
            let site = "https://cam.test:\(proxyPort)"
            let resolve = ["--resolve", "cam.test:\(proxyPort):127.0.0.1"]
            func name() throws -> String? {
                let reply = try Self.curl(resolve + [site + "/state"], folder: folder)
                return try? JSONDecoder().decode(StateReport.self, from: Data(reply.body.utf8)).name
            }
            try eventually(.seconds(20), "the camera answers through nginx") { (try? name()) == "porch" }

            // The login form's POST from the camera's https page. The client also claims an
            // address of its own in X-Forwarded-For: only the one nginx appended counts.
            let login = try Self.curl(resolve + [
                "-D", "-", "-H", "Origin: \(site)", "-H", "X-Forwarded-For: 203.0.113.66",
                "--data-urlencode", "password=\(Self.password)", "--data-urlencode", "next=/camera", site + "/login",
            ], folder: folder)
            #expect(login.status == 303, "\(login.body)")
            #expect(login.body.contains("portico_session=") && login.body.contains("; Secure"), "\(login.body)")
            let session = try #require(login.body.split(separator: "\r\n").first { $0.lowercased().hasPrefix("set-cookie: portico_session=") })
                .dropFirst("set-cookie: ".count).prefix { $0 != ";" }

            // Rename through the settings panel's form, with the session.
            let rename = try Self.curl(resolve + [
                "-H", "Origin: \(site)", "-H", "Referer: \(site)/camera", "--data-urlencode", "name=lookout", site + "/api/name",
            ], folder: folder)
            #expect(rename.status == 303, "\(rename.body)")
            #expect(try name() == "lookout")

            // Another site's page posting to the camera with the admin's session: 403, nothing changed.
            for (origin, fetchSite) in [("https://evil.example", "cross-site"), ("https://evil.example", nil), ("http://cam.test:\(proxyPort)", nil)] {
                let foreign = try Self.curl(resolve + [
                    "-H", "Origin: \(origin)", "-H", "Content-Type: application/json", "-d", #"{"name": "pwned"}"#, site + "/api/name",
                ] + (fetchSite.map { ["-H", "Sec-Fetch-Site: \($0)"] } ?? []), folder: folder)
                #expect(foreign.status == 403 && foreign.body.contains("nothing changed"), "\(origin): \(foreign.status) \(foreign.body)")
            }
            #expect(try name() == "lookout")

            // Straight to the camera, not through the proxy, with the proxy's headers and the
            // session: a client other than the proxy cannot make itself https.
            let direct = try Self.curl([
                "--interface", "127.0.0.2", "-H", "Host: cam.test:\(proxyPort)", "-H", "Origin: \(site)", "-H", "X-Forwarded-Proto: https",
                "-H", "X-Forwarded-For: 127.0.0.1", "-H", "Cookie: \(session)",
                "-H", "Content-Type: application/json", "-d", #"{"name": "pwned"}"#, "http://127.0.0.1:\(cameraPort)/api/name",
            ], folder: folder)
            #expect(direct.status == 403, "\(direct.status) \(direct.body)")
            #expect(try name() == "lookout")
        }
        #expect(try Repository.readAbsolute(folder + "/name") == "lookout\n")
    }
}

enum TLSProxy {
    static let nginx = "/usr/sbin/nginx"

    static var isAvailable: Bool {
        access(nginx, X_OK) == 0 && access("/usr/bin/openssl", X_OK) == 0 && access("/usr/bin/curl", X_OK) == 0
    }
}
