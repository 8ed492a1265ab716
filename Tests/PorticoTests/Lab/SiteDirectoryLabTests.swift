#if canImport(Glibc)
import Glibc
#endif
import FoundationEssentials
import PorticoCore
import Testing

@testable import portico

/// The directory against the real router: a mapping any LAN host can add under a camera's name.
@Suite("The site's directory through a real router", .serialized, .enabled(if: NetworkLab.isAvailable, "needs root and miniupnpd (Tests/Lab/netlab install-deps)"))
struct SiteDirectoryLabTests {
    typealias Site = RepresentativeLabTests

    static let rootDescription = "http://198.51.100.1:5000/rootDesc.xml"

    /// Three cameras over UPnP (which the representative reads the table of) on a LAN of four hosts.
    static func site(prefix: String, listsUnverified: Bool = false) throws -> (NetworkLab, String) {
        let lab = try NetworkLab(prefix: prefix, cameras: 4)
        let key = try Site.writeKey("site-key-for-the-lab-directory-tests\n")
        for index in 1...3 {
            var profile = Site.profile(camera: index, policy: "port-order", keyFile: key, backend: "upnp")
            if listsUnverified { profile += "\nlist_unverified = true\n" }
            _ = try lab.startPortico(camera: index, profile: profile)
        }
        return (lab, key)
    }

    /// The fourth host, which runs no Portico, maps port 9090 to itself described `portico:evil-cam`.
    static func forgeMapping(_ lab: NetworkLab) throws {
        let added = try lab.run(["exec", "cam4", "timeout", "30", "upnpc", "-i", "-u", Self.rootDescription,
                                 "-e", "portico:evil-cam", "-a", "198.51.100.14", "8080", "9090", "TCP", "600"])
        #expect(added.output.contains("is redirected to internal 198.51.100.14:8080"), "\(added.output)\(added.error)")
        #expect(try lab.run(["mappings"]).output.contains("9090->198.51.100.14:8080"))
    }

    @Test("a mapping described portico:evil-cam from a fourth LAN host is never listed; the cameras are")
    func forgedMappingNotListed() async throws {
        let (lab, key) = try Self.site(prefix: "h4a-")
        defer { unlink(key) }
        try await blocking {
            let cameras: Set<String> = ["cam1", "cam2", "cam3"]
            try eventually(.seconds(30), "directory of 3 from wan") { try Site.directoryIsExactly(cameras, lab) }
            try Self.forgeMapping(lab)
            // The representative reads the table once an inquiry interval (1 s): watch several reads.
            let end = ContinuousClock.now + .seconds(5)
            var reads = 0
            while ContinuousClock.now < end {
                if let site = try Site.directory(lab) {
                    reads += 1
                    #expect(!site.directory.cameras.contains { $0.name == "evil-cam" || $0.internal_address == "198.51.100.14" })
                    #expect(site.directory.cameras.allSatisfy { $0.verified })
                }
                usleep(250_000)
            }
            #expect(reads >= 10)
            #expect(try Site.directoryIsExactly(cameras, lab))
            let page = String(decoding: try lab.getFromWAN("http://203.0.113.10:8080/").body, as: UTF8.self)
            #expect(page.contains(">cam1</span>") && !page.contains("evil-cam"))
        }
    }

    @Test("with [election] list_unverified = true it is listed, marked unverified in /directory.json and on the page")
    func forgedMappingListedUnverified() async throws {
        let (lab, key) = try Self.site(prefix: "h4b-", listsUnverified: true)
        defer { unlink(key) }
        try await blocking {
            try eventually(.seconds(30), "directory of 3 from wan") { try Site.directoryIsExactly(["cam1", "cam2", "cam3"], lab) }
            try Self.forgeMapping(lab)
            try eventually(.seconds(5), "evil-cam listed") {
                try Site.directory(lab)?.directory.cameras.contains { $0.name == "evil-cam" } == true
            }
            let site = try #require(try Site.directory(lab))
            let evil = try #require(site.directory.cameras.first { $0.name == "evil-cam" })
            #expect(!evil.verified && evil.external_port == 9090 && evil.internal_address == "198.51.100.14")
            #expect(site.directory.cameras.filter(\.verified).map(\.name).sorted() == ["cam1", "cam2", "cam3"])
            let page = String(decoding: try lab.getFromWAN("http://203.0.113.10:8080/").body, as: UTF8.self)
            let item = try #require(page.split(separator: "\n").first { $0.contains(">evil-cam</span>") })
            #expect(item.contains("unverified"), "\(item)")
            #expect(!page.split(separator: "\n").contains { $0.contains(">cam2</span>") && $0.contains("unverified") })
        }
    }
}
