#if canImport(Glibc)
import Glibc
#endif
import Foundation
import FoundationEssentials
import PorticoCore
import PorticoTestSupport
import Testing

/// The directory against the real router: a mapping any LAN host can add under a camera's
/// name, and a camera whose LAN address changes while it runs.
@Suite("The site's directory through a real router", .serialized, .tags(.lab), .enabled(if: NetworkLab.isAvailable, "needs root and miniupnpd (Tests/Lab/netlab install-deps)"))
struct SiteDirectoryLabTests {
    typealias Site = RepresentativeLabTests

    static let rootDescription = "http://198.51.100.1:5000/rootDesc.xml"

    /// Three cameras (over UPnP the representative reads the router's table) on a LAN of four hosts.
    static func site(prefix: String, listsUnverified: Bool = false, backend: String = "upnp") throws -> (NetworkLab, String) {
        let lab = try NetworkLab(prefix: prefix, cameras: 4)
        let key = try Site.writeKey("site-key-for-the-lab-directory-tests\n")
        for index in 1...3 {
            var profile = Site.profile(camera: index, policy: "port-order", keyFile: key, backend: backend)
            if listsUnverified { profile += "\nlist_unverified = true\n" }
            _ = try lab.startPortico(camera: index, profile: profile)
        }
        return (lab, key)
    }

    /// Down before the test ends: the lab's last reference may be dropped by the thread
    /// that ran `blocking`, after the test has returned and the runner may be exiting.
    static func tearDown(_ lab: NetworkLab) {
        _ = try? lab.run(["down"])
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
        let (lab, key) = try Self.site(prefix: "tda-")
        defer {
            unlink(key)
            Self.tearDown(lab)
        }
        try await blocking {
            let cameras: Set<String> = ["cam1", "cam2", "cam3"]
            try eventually(.seconds(30), "directory of 3 from wan") { try Site.directoryIsExactly(cameras, lab) }
            try Self.forgeMapping(lab)
            // The representative reads the table once an inquiry interval (1 s): watch several reads.
            let end = ContinuousClock.now + .seconds(5)
            var reads = 0
            while ContinuousClock.now < end {
                if let site = try Site.directoryFromLAN(lab) {
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
        let (lab, key) = try Self.site(prefix: "tdb-", listsUnverified: true)
        defer {
            unlink(key)
            Self.tearDown(lab)
        }
        try await blocking {
            try eventually(.seconds(30), "directory of 3 from wan") { try Site.directoryIsExactly(["cam1", "cam2", "cam3"], lab) }
            try Self.forgeMapping(lab)
            try eventually(.seconds(5), "evil-cam listed") {
                try Site.directory(lab)?.directory.cameras.contains { $0.name == "evil-cam" } == true
            }
            let site = try #require(try Site.directoryFromLAN(lab))
            let evil = try #require(site.directory.cameras.first { $0.name == "evil-cam" })
            #expect(!evil.verified && evil.external_port == 9090 && evil.internal_address == "198.51.100.14")
            #expect(site.directory.cameras.filter(\.verified).map(\.name).sorted() == ["cam1", "cam2", "cam3"])
            let page = String(decoding: try lab.getFromWAN("http://203.0.113.10:8080/").body, as: UTF8.self)
            let item = try #require(page.split(separator: "\n").first { $0.contains(">evil-cam</span>") })
            #expect(item.contains("unverified"), "\(item)")
            #expect(!page.split(separator: "\n").contains { $0.contains(">cam2</span>") && $0.contains("unverified") })
        }
    }

    @Test("a camera's LAN address changes while it runs: within a renewal interval the router forwards its port there, /state and the directory show it",
          arguments: [("upnp", "tdc-"), ("natpmp", "tdf-")])
    func addressChange(backend: String, prefix: String) async throws {
        let (lab, key) = try Self.site(prefix: prefix, backend: backend)
        defer {
            unlink(key)
            Self.tearDown(lab)
        }
        try await blocking {
            try eventually(.seconds(30), "directory of 3 from wan") { try Site.directoryIsExactly(["cam1", "cam2", "cam3"], lab) }
            let before = try #require(try Site.directory(lab))
            let member = try #require(before.directory.cameras.first { !$0.representative })
            let moved = "198.51.100.\(40 + (Int(member.name.dropFirst(3)) ?? 0))"
            let changed = try lab.run(["lan-addr", member.name, moved])
            #expect(changed.status == 0, "\(changed.error)")
            let start = ContinuousClock.now
            var port = 0
            // The lab profile's lease is 60 s: renewal every 30 s.
            try eventually(.seconds(30), "\(member.name) mapped at \(moved), shown in /state, listed there") {
                let reply = try lab.run(["exec", "cam1", "curl", "-s", "-f", "-m", "2", "http://\(moved):8080/state"])
                guard reply.status == 0,
                      let state = try? JSONDecoder().decode(StateReport.self, from: Data(reply.output.utf8)),
                      let mapping = state.mapping, mapping.internalAddress == moved, mapping.phase == .mapped,
                      let mapped = mapping.externalPort
                else { return false }
                port = mapped
                guard try lab.run(["mappings"]).output.contains("\(mapped)->\(moved):8080"),
                      let site = try Site.directoryFromLAN(lab)
                else { return false }
                let listed = site.directory.cameras.filter { $0.name == member.name }
                return listed.count == 1 && listed[0].internal_address == moved && listed[0].external_port == mapped
            }
            let took = ContinuousClock.now - start
            print("\(backend): address change followed in \(took) (\(member.name) -> \(moved), port \(member.external_port) -> \(port))")
            #expect(try lab.stateFromWAN(port: port, timeout: 8, connectTimeout: 4)?.name == member.name)
            #expect(try Site.directoryIsExactly(["cam1", "cam2", "cam3"], lab))
        }
    }

    @Test("the representative's LAN address changes: the site settles with one representative, listing it at its new address")
    func representativeAddressChange() async throws {
        let (lab, key) = try Self.site(prefix: "tdd-")
        defer {
            unlink(key)
            Self.tearDown(lab)
        }
        try await blocking {
            try eventually(.seconds(30), "directory of 3 from wan") { try Site.directoryIsExactly(["cam1", "cam2", "cam3"], lab) }
            let before = try #require(try Site.directory(lab))
            let representative = try #require(before.directory.cameras.first { $0.representative })
            let moved = "198.51.100.\(40 + (Int(representative.name.dropFirst(3)) ?? 0))"
            #expect(try lab.run(["lan-addr", representative.name, moved]).status == 0)
            let start = ContinuousClock.now
            // Secure mode: its fixed-port mapping cannot be deleted from the new address and
            // lapses with its 2 s lease; then one camera holds the fixed port again.
            try eventually(.seconds(30), "one representative listing \(representative.name) at \(moved)") {
                guard try Site.directoryIsExactly(["cam1", "cam2", "cam3"], lab),
                      let site = try Site.directoryFromLAN(lab, addresses: [moved] + (11...13).map { "198.51.100.\($0)" })
                else { return false }
                return site.directory.cameras.contains { $0.name == representative.name && $0.internal_address == moved }
                    && site.directory.cameras.filter(\.representative).count == 1
            }
            print("representative's address change settled in \(ContinuousClock.now - start)")
            let mappings = try lab.run(["mappings"]).output
            #expect(mappings.contains("->\(moved):8080"), "\(mappings)")
        }
    }

    /// `/state` of cam1, from its own namespace: whatever its address, whatever the router forwards.
    static func localState(_ lab: NetworkLab) throws -> StateReport? {
        let reply = try lab.run(["exec", "cam1", "curl", "-s", "-f", "-m", "2", "http://127.0.0.1:8080/state"])
        return reply.status == 0 ? try? JSONDecoder().decode(StateReport.self, from: Data(reply.output.utf8)) : nil
    }

    @Test("[mapping] alone (no site): the address change is followed too")
    func mappingOnlyAddressChange() async throws {
        let lab = try NetworkLab(prefix: "tde-", cameras: 1)
        defer { Self.tearDown(lab) }
        let profile = Site.profile(camera: 1, policy: "port-order", keyFile: "", backend: "upnp")
        _ = try lab.startPortico(camera: 1, profile: String(profile[..<profile.range(of: "[election]")!.lowerBound]))
        try await blocking {
            try eventually(.seconds(20), "mapped") { try Self.localState(lab)?.mapping?.phase == .mapped }
            #expect(try lab.run(["lan-addr", "cam1", "198.51.100.61"]).status == 0)
            // Secure mode: the old mapping keeps its port until its lease ends; the camera takes the next one.
            try eventually(.seconds(30), "the mapping forwards to the new address") {
                guard let mapping = try Self.localState(lab)?.mapping, mapping.internalAddress == "198.51.100.61", mapping.phase == .mapped,
                      let port = mapping.externalPort
                else { return false }
                return try lab.run(["mappings"]).output.contains("\(port)->198.51.100.61:8080")
                    && lab.stateFromWAN(port: port, timeout: 2)?.name == "cam1"
            }
        }
    }
}
