@testable import PorticoCore
import Testing

@Suite("The origin rule: another site's page changes nothing")
struct RequestOriginTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let label: String
        let host: String?
        let origin: String?
        let referer: String?
        let fetchSite: String?
        let expected: Expected
        /// How the browser sent it: `https` only as a configured TLS proxy reports.
        var scheme: RequestClient.Scheme = .http
        var testDescription: String { label }

        enum Expected: Sendable { case same, foreign, unstated }
    }

    static let cases: [Case] = [
        Case(label: "same origin (a fetch from the camera's page)", host: "192.168.1.20:8080", origin: "http://192.168.1.20:8080",
             referer: "http://192.168.1.20:8080/camera", fetchSite: "same-origin", expected: .same),
        Case(label: "same origin, names in other case, default port", host: "Cam.local", origin: "http://cam.local:80",
             referer: nil, fetchSite: nil, expected: .same),
        Case(label: "a form from the camera's page without Origin, with its Referer", host: "10.0.0.5:8081", origin: nil,
             referer: "http://10.0.0.5:8081/camera?x=1", fetchSite: nil, expected: .same),
        Case(label: "cross-site form", host: "192.168.1.20:8080", origin: "http://evil.example",
             referer: "http://evil.example/page", fetchSite: "cross-site", expected: .foreign),
        Case(label: "cross-site text/plain fetch (Origin only)", host: "192.168.1.20:8080", origin: "https://evil.example",
             referer: nil, fetchSite: nil, expected: .foreign),
        Case(label: "another camera on the same host, another port (same-site to a browser)", host: "203.0.113.7:8080",
             origin: "http://203.0.113.7:8081", referer: nil, fetchSite: "same-site", expected: .foreign),
        Case(label: "https origin against a plain-HTTP camera", host: "cam:8080", origin: "https://cam:8080",
             referer: nil, fetchSite: nil, expected: .foreign),
        Case(label: "opaque origin (sandboxed frame, file)", host: "cam:8080", origin: "null", referer: nil, fetchSite: nil,
             expected: .foreign),
        Case(label: "Referer of another site", host: "cam:8080", origin: nil, referer: "http://evil.example/cam:8080/",
             fetchSite: nil, expected: .foreign),
        Case(label: "Referer with user info posing as the camera", host: "cam:8080", origin: nil,
             referer: "http://cam:8080@evil.example/", fetchSite: nil, expected: .foreign),
        Case(label: "a matching Origin but the browser says cross-site", host: "cam:8080", origin: "http://cam:8080",
             referer: nil, fetchSite: "cross-site", expected: .foreign),
        Case(label: "no Host to compare with", host: nil, origin: "http://cam:8080", referer: nil, fetchSite: nil, expected: .foreign),
        Case(label: "neither Origin nor Referer (curl, portico register)", host: "127.0.0.1:8080", origin: nil, referer: nil,
             fetchSite: nil, expected: .unstated),
        Case(label: "neither, Sec-Fetch-Site none (typed in the address bar)", host: "cam", origin: nil, referer: nil,
             fetchSite: "none", expected: .unstated),
        // Through a TLS proxy that says the browser used https (`RequestClient`).
        Case(label: "TLS proxy: the camera's own https page, Host without port", host: "cam.example.org",
             origin: "https://cam.example.org", referer: nil, fetchSite: "same-origin", expected: .same, scheme: .https),
        Case(label: "TLS proxy: https origin with its default port written out", host: "cam.example.org",
             origin: "https://cam.example.org:443", referer: nil, fetchSite: nil, expected: .same, scheme: .https),
        Case(label: "TLS proxy on another port: Host carries it", host: "cam.example.org:8443",
             origin: "https://cam.example.org:8443", referer: nil, fetchSite: nil, expected: .same, scheme: .https),
        Case(label: "TLS proxy: a form's Referer on the https page", host: "cam.example.org", origin: nil,
             referer: "https://cam.example.org/camera", fetchSite: nil, expected: .same, scheme: .https),
        Case(label: "TLS proxy: cross-site form", host: "cam.example.org", origin: "https://evil.example",
             referer: nil, fetchSite: "cross-site", expected: .foreign, scheme: .https),
        Case(label: "TLS proxy: cross-site text/plain fetch", host: "cam.example.org", origin: "https://evil.example",
             referer: nil, fetchSite: nil, expected: .foreign, scheme: .https),
        Case(label: "TLS proxy: the plain-HTTP page of the same host is another origin", host: "cam.example.org",
             origin: "http://cam.example.org", referer: nil, fetchSite: nil, expected: .foreign, scheme: .https),
        Case(label: "TLS proxy: https on the default port against a Host of another port", host: "cam.example.org:8443",
             origin: "https://cam.example.org", referer: nil, fetchSite: nil, expected: .foreign, scheme: .https),
        Case(label: "no proxy believed: an https origin against the same Host is foreign", host: "cam.example.org",
             origin: "https://cam.example.org", referer: nil, fetchSite: nil, expected: .foreign),
    ]

    @Test("same origin, cross-site form, text/plain, missing Origin and Referer, Sec-Fetch-Site", arguments: cases)
    func rule(_ c: Case) {
        let verdict = RequestOrigin.of(host: c.host, scheme: c.scheme, origin: c.origin, referer: c.referer, fetchSite: c.fetchSite)
        switch (c.expected, verdict) {
        case (.same, .sameOrigin), (.foreign, .foreign), (.unstated, .unstated): break
        default: Issue.record("\(c.label): \(verdict)")
        }
    }

    @Test("the client and scheme: a TLS proxy's word from the proxy only, its own last X-Forwarded-For entry only")
    func proxiedClient() {
        // Not the proxy: the headers are anyone's to send.
        #expect(RequestClient(peer: "198.51.100.9", proxy: "198.51.100.2", forwardedFor: ["127.0.0.1"], forwardedProto: ["https"])
                == RequestClient(peer: "198.51.100.9"))
        #expect(RequestClient(peer: "198.51.100.9", proxy: nil, forwardedFor: ["127.0.0.1"], forwardedProto: ["https"]).address == "198.51.100.9")
        // The proxy: the address it appended (the last), whatever the client put before it.
        let proxied = RequestClient(peer: "127.0.0.1", proxy: "127.0.0.1", forwardedFor: ["192.168.1.5, 127.0.0.1", " 203.0.113.7 "],
                                    forwardedProto: ["https"])
        #expect(proxied.address == "203.0.113.7" && proxied.scheme == .https && proxied.viaProxy)
        #expect(RequestClient(peer: "::ffff:127.0.0.1", proxy: "127.0.0.1", forwardedFor: ["203.0.113.7"], forwardedProto: []).scheme == .http)
        #expect(RequestClient(peer: "::ffff:127.0.0.1", proxy: "127.0.0.1", forwardedFor: ["203.0.113.7"], forwardedProto: []).viaProxy)
        // Naming no one, or something no address can be: an unknown client (the internet).
        for forwarded in [[], [""], [" , "], [String(repeating: "1", count: 46)]] {
            let client = RequestClient(peer: "127.0.0.1", proxy: "127.0.0.1", forwardedFor: forwarded, forwardedProto: ["HTTPS"])
            #expect(client.address == nil && client.scheme == .https, "\(forwarded)")
        }
        #expect(RequestClient(peer: "127.0.0.1", proxy: "127.0.0.1", forwardedFor: ["1.2.3.4"], forwardedProto: ["https, http"]).scheme == .http)
    }

    @Test("admin_from = lan-or-tls: the LAN, and anyone through the TLS proxy over https; never plain HTTP from outside")
    func lanOrTLS() throws {
        let reach = AdminReach(from: .lanOrTLS, lan: { [IPv4Subnet.loopback, IPv4Subnet("192.168.1.0/24")!] })
        func client(_ address: String?, https: Bool) -> RequestClient {
            RequestClient(peer: "192.168.1.2", proxy: "192.168.1.2", forwardedFor: address.map { [$0] } ?? [], forwardedProto: [https ? "https" : "http"])
        }
        #expect(reach.admits("192.168.1.40") && !reach.admits("203.0.113.7"))
        #expect(reach.admits(client("203.0.113.7", https: true)) && reach.admits(client(nil, https: true)))
        #expect(!reach.admits(client("203.0.113.7", https: false)))
        #expect(reach.admits(client("192.168.1.40", https: false)))
        // `lan` through the proxy goes by the client it names.
        let lan = AdminReach(from: .lan, lan: { [IPv4Subnet.loopback, IPv4Subnet("192.168.1.0/24")!] })
        #expect(!lan.admits(client("203.0.113.7", https: true)) && lan.admits(client("192.168.1.40", https: true)))

        let loader = ProfileLoader(registry: PluginRegistry())
        let http = try loader.load(text: "name = \"a\"\n[http]\nadmin_from = \"lan-or-tls\"\ntls_proxy = \"127.0.0.1\"\n", file: "p.toml").http
        #expect(http.adminFrom == .lanOrTLS && http.tlsProxy == "127.0.0.1")
        #expect(try loader.load(text: "name = \"a\"\n", file: "p.toml").http.tlsProxy == nil)
        for (text, key) in [("admin_from = \"lan-or-tls\"\n", "http.admin_from"), ("tls_proxy = \"proxy.lan\"\n", "http.tls_proxy")] {
            do {
                _ = try loader.load(text: "name = \"a\"\n[http]\n" + text, file: "p.toml")
                Issue.record("accepted \(text)")
            } catch {
                #expect("\(error)".contains("p.toml:3:") && "\(error)".contains(key), "\(error)")
            }
        }
    }

    @Test("a login's next and a form's way back stay on the camera")
    func localPaths() {
        #expect(LoginPage.localPath("/camera") == "/camera")
        #expect(LoginPage.localPath("/state?x=1") == "/state?x=1")
        for bad in [nil, "", "camera", "//evil.example/", "/\\evil.example", "http://evil.example/", "/a b", "/\u{0}x", "/\r\nSet-Cookie: x"] {
            #expect(LoginPage.localPath(bad) == LoginPage.defaultPath, "\(String(describing: bad))")
        }
    }

    @Test("forms decode as browsers encode them")
    func forms() {
        let fields = FormEncoding.decode(Array("name=front+door&next=%2Fcamera%3Fa%3D1&bad=%zz%4&empty=&name=second&flag".utf8))
        #expect(fields["name"] == "front door")
        #expect(fields["next"] == "/camera?a=1")
        #expect(fields["bad"] == "%zz%4")
        #expect(fields["empty"] == "" && fields["flag"] == "")
        #expect(FormEncoding.decode(Array("%".utf8)) == ["%": ""])
        #expect(FormEncoding.decode([]) == [:])
        #expect(FormEncoding.encode("/a b?c=d") == "%2Fa%20b%3Fc%3Dd")
    }
}
