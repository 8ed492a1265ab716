#if canImport(Glibc)
import Glibc
#endif
import FoundationEssentials
import Logging
@testable import PorticoCore
import Testing

import PorticoTestSupport

/// Who is on the LAN, and what a viewer on the internet is told: no LAN address, in the
/// JSON or on the page.
@Suite("Viewers at home and away")
struct ViewerPlaceTests {
    static let lan = IPv4Subnet(address: "198.51.100.12", prefixLength: 24)!

    @Test("a subnet from a prefix or a netmask; non-contiguous masks and malformed addresses are refused")
    func subnet() throws {
        #expect(Self.lan.description == "198.51.100.0/24")
        #expect(IPv4Subnet(address: "10.1.2.3", netmask: "255.255.0.0")?.description == "10.1.0.0/16")
        #expect(IPv4Subnet(address: "10.1.2.3", netmask: "255.0.255.0") == nil)
        #expect(IPv4Subnet(address: "10.1.2.3", prefixLength: 33) == nil)
        #expect(IPv4Subnet(address: "10.1.2", prefixLength: 8) == nil)
        for bad in ["", "1.2.3.4.5", "256.1.1.1", "1..2.3", "0x1.2.3.4", "+1.2.3.4", "1.2.3.4 ", "١.2.3.4", "1.2.3.0004"] {
            #expect(IPv4Subnet.parse(bad) == nil, "\(bad)")
        }
        #expect(Self.lan.contains("198.51.100.1") && Self.lan.contains("198.51.100.255"))
        #expect(!Self.lan.contains("198.51.101.1") && !Self.lan.contains("203.0.113.1"))
        let everything = try #require(IPv4Subnet(address: "1.2.3.4", prefixLength: 0))
        #expect(everything.contains("203.0.113.1"))
        let one = try #require(IPv4Subnet(address: "1.2.3.4", prefixLength: 32))
        #expect(one.contains("1.2.3.4") && !one.contains("1.2.3.5"))
    }

    @Test("loopback and the LAN interface's subnet are the LAN; every other address is the internet")
    func decision() {
        let cases: [(String?, IPv4Subnet?, ViewerPlace)] = [
            ("127.0.0.1", nil, .lan), ("127.8.9.10", Self.lan, .lan), ("::1", nil, .lan),
            ("198.51.100.40", Self.lan, .lan), ("::ffff:198.51.100.40", Self.lan, .lan), ("::FFFF:198.51.100.40", Self.lan, .lan),
            ("198.51.100.40", nil, .internet), ("203.0.113.1", Self.lan, .internet), ("198.51.101.40", Self.lan, .internet),
            ("::ffff:203.0.113.1", Self.lan, .internet), ("2001:db8::1", Self.lan, .internet), ("fe80::1", Self.lan, .internet),
            (nil, Self.lan, .internet), ("", Self.lan, .internet), ("not an address", Self.lan, .internet),
        ]
        for (client, subnet, expected) in cases {
            #expect(ViewerPlace.of(client: client, subnet: subnet) == expected, "\(client ?? "nil") in \(subnet?.description ?? "none")")
        }
    }

    @Test("the kernel's loopback interface has 127.0.0.1/8")
    func loopbackInterface() {
        #expect(NetworkInterface.subnet(of: "lo")?.description == "127.0.0.0/8")
        #expect(NetworkInterface.subnet(of: "no-such-interface") == nil)
    }

    static let site = SiteStatus(
        role: .representative, term: 3, representative: "porch", dropped: [:],
        directory: Directory(external_address: "203.0.113.10", cameras: [
            .init(name: "porch", url: "http://203.0.113.10:8080/", internal_address: "198.51.100.11", internal_port: 8080,
                  external_port: 8080, representative: true, verified: true),
            .init(name: "garden", url: "http://203.0.113.10:8081/", internal_address: "198.51.100.12", internal_port: 8000,
                  external_port: 8081, representative: false, verified: true),
            .init(name: "shed", url: nil, internal_address: "198.51.100.13", internal_port: 8080,
                  external_port: 8082, representative: false, verified: false),
        ]))

    static func json(_ site: SiteStatus) throws -> String {
        String(decoding: try JSONEncoder().encode(site), as: UTF8.self)
    }

    @Test("what an internet viewer's /directory.json holds: external links, no LAN address or port")
    func internetDirectory() throws {
        let seen = Self.site.seen(from: .internet)
        let text = try Self.json(seen)
        #expect(!text.contains("198.51.100"), "\(text)")
        #expect(!text.contains("internal_address") && !text.contains("internal_port"), "\(text)")
        #expect(seen.directory.cameras.map(\.url) == ["http://203.0.113.10:8080/", "http://203.0.113.10:8081/", nil])
        #expect(seen.directory.representative?.url == "http://203.0.113.10:8080/")
        // It still decodes as a directory.
        #expect(try JSONDecoder().decode(SiteStatus.self, from: Data(text.utf8)) == seen)
    }

    @Test("a LAN viewer gets every camera at its LAN address and HTTP port, known external address or not")
    func lanDirectory() throws {
        let seen = Self.site.seen(from: .lan)
        #expect(seen.directory.cameras.map(\.url) == ["http://198.51.100.11:8080/", "http://198.51.100.12:8000/", "http://198.51.100.13:8080/"])
        #expect(seen.directory.cameras.map(\.internal_address) == ["198.51.100.11", "198.51.100.12", "198.51.100.13"])
        #expect(seen.directory.representative?.url == "http://198.51.100.11:8080/")
    }

    @Test("the directory page: from the internet no LAN address anywhere in it; from the LAN tiles link there")
    func page() {
        let away = DirectoryPage.html(site: Self.site.seen(from: .internet), refresh: .seconds(1), hasCamera: true)
        #expect(!away.contains("198.51.100"))
        #expect(away.contains(#"<a class="thumb" href="http://203.0.113.10:8081/camera"><img src="http://203.0.113.10:8081/snapshot""#))
        #expect(away.contains(#"data-refresh-ms="1000""#) && away.contains(#"<span id="count">(3)</span>"#))
        #expect(away.contains("port 8082; external address not known yet · unverified"))
        let home = DirectoryPage.html(site: Self.site.seen(from: .lan), refresh: .milliseconds(1500), hasCamera: false)
        #expect(home.contains(#"<a class="thumb" href="http://198.51.100.12:8000/camera"><img src="http://198.51.100.12:8000/snapshot""#))
        #expect(home.contains(#"data-refresh-ms="1500""#) && !home.contains(#"href="/camera""#))
        #expect(!home.contains("203.0.113.10:8081/camera"))
    }
}

extension ViewerPlaceTests {
    static let registration = RegistrationStatus(
        phase: .mapped, externalAddress: "203.0.113.10", externalPort: 8081, internalAddress: "198.51.100.12",
        holdsFixedPort: false, externalURL: "http://203.0.113.10:8081/", ownPort: nil, addressKind: .public,
        behindAnotherNAT: false,
        lastError: "AddPortMapping: the connection to the router at 198.51.100.1:5000 failed; it forwards to 198.51.100.13.",
        addressChanges: 0, starts: 1, renewals: 2)

    static let report = StateReport(
        name: "garden", profile: "garden.toml", version: "test", pieces: [], camera: nil, mapping: registration, site: site,
        pan_tilt: nil, switch: nil)

    @Test("/state for the internet: no LAN address in the registration or the directory; for the LAN, all of it")
    func internetState() throws {
        let away = Self.report.seen(from: .internet)
        let text = String(decoding: try JSONEncoder().encode(away), as: UTF8.self)
        #expect(!text.contains("198.51.100") && !text.contains("internal_"), "\(text)")
        #expect(away.mapping?.internalAddress == nil && away.mapping?.externalURL == "http://203.0.113.10:8081/")
        #expect(away.mapping?.lastError == "AddPortMapping: the connection to the router at <address>:5000 failed; it forwards to <address>.")
        #expect(away.site == Self.site.seen(from: .internet))
        #expect(try JSONDecoder().decode(StateReport.self, from: Data(text.utf8)) == away, "it still reads as a report")
        #expect(Self.report.seen(from: .lan) == Self.report)
    }

    @Test("every IPv4 address is taken out of a text, and nothing else")
    func addressesTakenOut() {
        let cases = [
            ("at 10.0.0.1:5000.", "at <address>:5000."), ("192.168.1.1", "<address>"), ("::ffff:192.168.1.1 x", "::ffff:<address> x"),
            ("'http://10.1.2.3:80/ctl'", "'http://<address>:80/ctl'"), ("version 1.2.3, port 8080.", "version 1.2.3, port 8080."),
            ("1.2.3.4.5 and 300.1.1.1", "1.2.3.4.5 and 300.1.1.1"), ("", ""), ("no address", "no address"), ("a.b.c.d", "a.b.c.d"),
        ]
        for (text, expected) in cases {
            #expect(RegistrationStatus.withoutAddresses(text) == expected, "\(text)")
        }
    }

    /// A web server that believes a TLS proxy at 127.0.0.1: from there a client named in
    /// `X-Forwarded-For` is taken as the viewer, so loopback can play the internet.
    @Test("a real server: /state, /directory.json and the pages hold no LAN address for an internet viewer, and all of it for the LAN")
    func servedState() async throws {
        var logger = Logger(label: "portico-test")
        logger.logLevel = .warning
        let web = WebServer(
            configuration: .init(address: "127.0.0.1", port: 0, tlsProxy: "127.0.0.1"), name: { "garden" }, hub: nil,
            logger: logger, state: { Self.report }, directory: { Self.site })
        try await withWebServer(web, logger: logger) { port in try await blocking {
            func get(_ path: String, from source: String = "127.0.0.1", forwardedFor: String?) throws -> String {
                let reply = try LoopbackHTTPClient.get(
                    port: port, path: path, headers: forwardedFor.map { ["X-Forwarded-For": $0] } ?? [:], from: source)
                #expect(reply.status == 200, "\(path)")
                return String(decoding: reply.body, as: UTF8.self)
            }
            for path in ["/state", "/directory.json", "/", "/camera", "/state?format=portico"] {
                // The proxy names an internet client (after one the client itself claimed),
                // or names none: both are the internet.
                for forwarded in ["198.51.100.7, 203.0.113.5", nil] {
                    let away = try get(path, forwardedFor: forwarded)
                    #expect(!away.contains("198.51.100") && !away.contains("internal_"), "\(path) for \(forwarded ?? "no one"): \(away)")
                }
                // Named by anyone but the proxy, a forwarded client is no one: 127.0.0.2 is loopback, the LAN.
                let home = try get(path, from: "127.0.0.2", forwardedFor: "203.0.113.5")
                // The representative's own camera page names no other camera.
                #expect(path == "/camera" || home.contains("198.51.100.12"), "\(path) for the LAN: \(home)")
            }
            let lan = try get("/state", forwardedFor: "127.0.0.1")
            #expect(lan.contains("internal_address") && lan.contains("198.51.100.1:5000"), "\(lan)")
        } }
    }
}

@Suite("Page templates")
struct PageTemplateTests {
    @Test("{{key}} is escaped, {{{key}}} is not, a missing key is empty, an unclosed tag stays text")
    func render() {
        let template = PageTemplate(text: "<p title=\"{{ name }}\">{{{markup}}}{{missing}}</p>{{open")
        #expect(template.render(["name": "a\"<b>&'", "markup": "<b>bold</b>"])
            == "<p title=\"a&quot;&lt;b&gt;&amp;&#39;\"><b>bold</b></p>{{open")
        #expect(PageTemplate(text: "{{{raw}}").render(["raw": "x"]) == "{{{raw}}")
        #expect(PageTemplate(text: "").render([:]) == "")
    }

    @Test("a camera name is escaped wherever the camera page shows it")
    func escapedName() {
        let state = StateReport(name: "x", profile: "p", version: "v", pieces: [], camera: nil, mapping: nil, site: nil, pan_tilt: nil, switch: nil)
        let page = CameraPage.html(.init(name: "<script>", state: state, allCameras: nil, path: "/camera", panTilt: nil))
        #expect(!page.contains("<script>·") && !page.contains("<h1 id=\"name\"><script>"))
        #expect(page.contains("&lt;script&gt;"))
        #expect(page.contains("This board has no camera"))
    }
}
