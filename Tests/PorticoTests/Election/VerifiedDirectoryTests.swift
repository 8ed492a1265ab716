#if canImport(Glibc)
import Glibc
#endif
import CompiledInPlugins
import FirstComePolicy
import PorticoCore
import PorticoTestSupport
import Testing

/// Any host on the LAN can ask the router for a mapping described `portico:<name>`: the
/// representative lists a router entry only at an address a camera of the site has sent
/// an authenticated message from, unless `[election] list_unverified` says otherwise.
@Suite("The directory lists only cameras of the site")
struct VerifiedDirectoryTests {
    typealias Source = DirectorySourceTests

    static let evil = PortMapping(externalPort: 8085, internalAddress: "198.51.100.60", internalPort: 8080, lease: .seconds(60),
                                  description: "portico:evil-cam")

    @Test("a portico: mapping from a host no camera spoke from is not listed; the cameras are")
    func forgedMappingHidden() {
        var node = Source.representative()
        _ = node.handle(.message(Source.message(from: "b", name: "cam2", address: "198.51.100.12", port: 8081)), at: .zero)
        _ = node.handle(.routerTable(Source.table + [Self.evil]), at: .seconds(1))
        #expect(node.directory().map(\.name) == ["cam1", "cam2"])
        // Time passes, the table is read again: still not listed.
        _ = node.advance(to: .seconds(30))
        _ = node.handle(.routerTable(Source.table + [Self.evil]), at: .seconds(30))
        #expect(!node.directory().contains { $0.name == "evil-cam" })
    }

    @Test("with list_unverified it is listed, and marked as unverified; the cameras are verified")
    func unverifiedListed() {
        var node = Source.representative(listsUnverified: true)
        _ = node.handle(.message(Source.message(from: "b", name: "cam2", address: "198.51.100.12", port: 8081)), at: .zero)
        _ = node.handle(.routerTable(Source.table + [Self.evil]), at: .seconds(1))
        let listed = node.directory()
        #expect(listed.map(\.name) == ["cam1", "cam2", "cam3", "evil-cam"])
        #expect(listed.map { node.isVerified($0) } == [true, true, false, false])
    }

    @Test("a camera that moved no longer vouches for its old address, whose mapping outlives the move")
    func movedCamera() {
        var node = Source.representative()
        _ = node.handle(.message(Source.message(from: "b", name: "cam2", address: "198.51.100.12", port: 8081)), at: .zero)
        _ = node.handle(.message(Source.message(from: "b", name: "cam2", address: "198.51.100.22", port: 8083)), at: .seconds(1))
        let table = Source.table + [PortMapping(externalPort: 8083, internalAddress: "198.51.100.22", internalPort: 8080,
                                                lease: .seconds(60), description: "portico:cam2")]
        _ = node.handle(.routerTable(table), at: .seconds(1))
        let listed = node.directory()
        #expect(listed.filter { $0.name == "cam2" }.map(\.internalAddress) == ["198.51.100.22"])
        #expect(listed.filter { $0.name == "cam2" }.map(\.externalPort) == [8083])
        #expect(!node.heard.contains("198.51.100.12"))
    }

    @Test("a silent camera is forgotten once its mapping is gone too, and not listed again from a later table")
    func silentCameraAgesOut() {
        var node = Source.representative()
        _ = node.handle(.message(Source.message(from: "c", name: "cam3", address: "198.51.100.13", port: 8082)), at: .zero)
        _ = node.handle(.routerTable(Source.table), at: .seconds(1))
        _ = node.advance(to: .seconds(10))
        #expect(node.directory().map(\.name) == ["cam1", "cam3"], "still mapped: kept")
        _ = node.handle(.routerTable([Source.table[0]]), at: .seconds(11))
        _ = node.advance(to: .seconds(12))
        #expect(!node.heard.contains("198.51.100.13"))
        // A mapping made later at that address (a new host there) is not a camera of the site.
        _ = node.handle(.routerTable(Source.table), at: .seconds(13))
        #expect(node.directory().map(\.name) == ["cam1"])
    }

    @Test("bounded: past its capacity the address heard from longest ago goes; a sender has one address")
    func heardIsBounded() {
        var heard = HeardAddresses(capacity: 4)
        for index in 0..<10 {
            heard.heard("s\(index)", at: "198.51.100.\(100 + index)", now: .seconds(index))
        }
        #expect(heard.count == 4)
        #expect((106...109).allSatisfy { heard.contains("198.51.100.\($0)") })
        #expect(!heard.contains("198.51.100.105"))
        // One sender moving many times holds one entry.
        for index in 0..<1000 { heard.heard("s9", at: "10.0.\(index / 250).\(index % 250)", now: .seconds(20)) }
        #expect(heard.count == 4)
        #expect(!heard.contains("198.51.100.109") && heard.contains("10.0.3.249"))
        // Another sender taking over an address: the first one no longer holds it.
        heard.heard("t", at: "198.51.100.108", now: .seconds(21))
        heard.heard("s8", at: "198.51.100.77", now: .seconds(22))
        #expect(heard.contains("198.51.100.108") && heard.contains("198.51.100.77"))
        heard.forget(olderThan: .seconds(1), at: .seconds(30), keeping: ["198.51.100.77"])
        #expect(heard.count == 1 && heard.contains("198.51.100.77"))
    }

    @Test("[election] list_unverified is read from the profile, off by default")
    func profileOption() throws {
        let key = try temporaryProfile("a-site-key-long-enough-for-the-test\n")
        defer { unlink(key) }
        let base = """
            name = "cam"
            [mapping]
            backend = "upnp"
            [election]
            policy = "port-order"
            key_file = "\(key)"

            """
        let loader = ProfileLoader(registry: CompiledInPlugins.registry)
        #expect(try loader.load(text: base, file: "p.toml").election?.settings.listsUnverified == false)
        #expect(try loader.load(text: base + "list_unverified = true\n", file: "p.toml").election?.settings.listsUnverified == true)
    }
}
