import FoundationEssentials
@testable import PorticoCore
import Testing

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
