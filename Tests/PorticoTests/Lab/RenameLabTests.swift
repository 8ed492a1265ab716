#if canImport(Glibc)
import Glibc
#endif
import FoundationEssentials
import PorticoCore
import PorticoTestSupport
import Testing

/// A rename end to end against the real router: the representative's directory, the
/// router's table (`portico:<name>` at the next renewal) and a restart.
@Suite("A rename through the real router", .serialized, .tags(.lab), .enabled(if: NetworkLab.isAvailable, "needs root and miniupnpd (Tests/Lab/netlab install-deps)"))
struct RenameLabTests {
    typealias Site = RepresentativeLabTests

    static let password = "lab-admin-pass"

    /// Camera `index` of a two-camera site over UPnP, with an admin password and a state
    /// folder of its own.
    static func profile(camera index: Int, key: String, folder: String) -> String {
        "state_dir = \"\(folder)\"\n" + Site.profile(camera: index, policy: "port-order", keyFile: key, backend: "upnp")
            + "\n[http]\nadmin_file = \"\(folder)/admin\"\n"
    }

    /// The router's table as `netlab mappings` prints it: `port TCP ext->addr:port 'description' …`.
    static func descriptions(_ lab: NetworkLab) throws -> String {
        try lab.run(["mappings"]).output
    }

    static func rename(_ lab: NetworkLab, camera index: Int, to name: String) throws -> String {
        try lab.run(["exec", "cam\(index)", "curl", "-s", "-m", "10", "-u", "admin:\(password)", "-H", "Content-Type: application/json",
                     "-d", #"{"name": "\#(name)"}"#, "http://127.0.0.1:8080/api/name"]).output
    }

    /// The router's table line of external port `port`, nil when it maps none.
    static func line(_ table: String, port: Int) -> Substring? {
        table.split(separator: "\n").first { $0.contains(" \(port)->") }
    }

    /// miniupnpd (its nftables backend) keeps a mapping's first description when the
    /// mapping is renewed, so the camera makes it again under the new name: the member's
    /// lease is a minute, and the table must not wait for it.
    @Test("renamed: the directory and the router's table show the new name within seconds, and a restart keeps it")
    func renameEndToEnd() async throws {
        let lab = try NetworkLab(prefix: "trn-", cameras: 2)
        let key = try Site.writeKey("site-key-for-the-lab-rename-tests\n")
        let folders = try (1...2).map { _ in try temporaryFolder() }
        defer {
            unlink(key)
            _ = try? lab.run(["down"])
        }
        var cameras: [Subprocess] = []
        for (index, folder) in zip(1...2, folders) {
            try AdminCredential(password: Self.password, iterations: 2_000).save(to: folder + "/admin")
            cameras.append(try lab.startPortico(camera: index, profile: Self.profile(camera: index, key: key, folder: folder)))
        }
        let member = try await blocking { () throws -> Int in
            try eventually(.seconds(30), "directory of 2 from wan") { try Site.directoryIsExactly(["cam1", "cam2"], lab) }
            guard let site = try Site.directory(lab), let representative = site.representative else {
                throw TestFailure("no representative")
            }
            let member = representative == "cam1" ? 2 : 1
            let leader = 3 - member
            #expect(try Self.descriptions(lab).contains("'portico:cam\(member)'"))

            // The member: its mapping is renewed only every 30 s.
            #expect(try Self.rename(lab, camera: member, to: "porch").contains("porch"))
            let renamed = ContinuousClock.now
            try eventually(.seconds(3), "the directory shows porch") { try Site.directoryIsExactly(["cam\(leader)", "porch"], lab) }
            try eventually(.seconds(3), "the router's table says portico:porch") {
                let table = try Self.descriptions(lab)
                return table.contains("'portico:porch'") && !table.contains("'portico:cam\(member)'")
            }
            print("rename lab: the member's new description in the router's table after \(ContinuousClock.now - renamed)")
            // The representative, on the fixed port.
            #expect(try Self.rename(lab, camera: leader, to: "gate").contains("gate"))
            let leaderRenamed = ContinuousClock.now
            try eventually(.seconds(3), "the router's table says portico:gate") { try Self.descriptions(lab).contains("'portico:gate'") }
            print("rename lab: the representative's new description in the router's table after \(ContinuousClock.now - leaderRenamed)")
            try eventually(.seconds(3), "the directory shows gate and porch") { try Site.directoryIsExactly(["gate", "porch"], lab) }
            return member
        }

        // A restart keeps the name: the member's first mapping is described portico:porch.
        let stopped = cameras[member - 1]
        stopped.signal(SIGTERM)
        _ = try await blocking { try stopped.wait(timeout: .seconds(10)) }
        #expect(try Repository.readAbsolute(folders[member - 1] + "/name") == "porch\n")
        try await blocking {
            try eventually(.seconds(15), "the member gone from the router's table") { try !Self.descriptions(lab).contains("'portico:porch'") }
        }
        _ = try lab.startPortico(camera: member, profile: Self.profile(camera: member, key: key, folder: folders[member - 1]))
        try await blocking {
            try eventually(.seconds(20), "the restarted member mapped as portico:porch and listed") {
                try Self.descriptions(lab).contains("'portico:porch'") && Site.directoryIsExactly(["gate", "porch"], lab)
            }
        }
    }

    /// A member that became representative keeps its old port mapped beside 8080, both
    /// described `portico:<name>`. Renamed, both follow: miniupnpd keeps a renewed
    /// mapping's first description, so each is made again, 8080 first (one delete, one
    /// add), the kept port after it.
    @Test("a representative keeping its old port, renamed: 8080 and the kept port both say portico:<new name> within seconds")
    func renameKeptPort() async throws {
        let lab = try NetworkLab(prefix: "trk-", cameras: 2)
        let key = try Site.writeKey("site-key-for-the-lab-rename-kept-port-tests\n")
        let folders = try (1...2).map { _ in try temporaryFolder() }
        defer {
            unlink(key)
            lab.tearDown()
            for folder in folders { _ = try? Subprocess.run(["-rf", folder], executable: "/bin/rm") }
        }
        let cameras = try zip(1...2, folders).map { index, folder in
            try AdminCredential(password: Self.password, iterations: 2_000).save(to: folder + "/admin")
            return try lab.startPortico(camera: index, profile: Self.profile(camera: index, key: key, folder: folder))
        }
        try await blocking {
            try eventually(.seconds(30), "directory of 2 from wan") { try Site.directoryIsExactly(["cam1", "cam2"], lab) }
            let before = try #require(try Site.directory(lab))
            let first = try #require(before.representative)
            let successor = first == "cam1" ? 2 : 1
            let own = try #require(before.directory.cameras.first { $0.name == "cam\(successor)" }?.external_port)
            #expect(own != 8080)
            let stopped = cameras[2 - successor]
            stopped.signal(SIGTERM)
            #expect(try stopped.wait(timeout: .seconds(10)) == 0)
            let address = "198.51.100.\(10 + successor)"
            try eventually(.seconds(30), "cam\(successor) representative on 8080, keeping \(own)") {
                let table = try Self.descriptions(lab)
                guard try Site.directoryIsExactly(["cam\(successor)"], lab),
                      let fixed = Self.line(table, port: 8080), let kept = Self.line(table, port: own) else { return false }
                return fixed.contains("->\(address):") && kept.contains("->\(address):")
                    && fixed.contains("'portico:cam\(successor)'") && kept.contains("'portico:cam\(successor)'")
            }

            #expect(try Self.rename(lab, camera: successor, to: "lookout").contains("lookout"))
            let renamed = ContinuousClock.now
            try eventually(.seconds(5), "8080 and \(own) described portico:lookout") {
                let table = try Self.descriptions(lab)
                guard let fixed = Self.line(table, port: 8080), let kept = Self.line(table, port: own) else { return false }
                return fixed.contains("'portico:lookout'") && kept.contains("'portico:lookout'") && !table.contains("'portico:cam\(successor)'")
            }
            print("rename lab: the kept port's and 8080's new description in the router's table after \(ContinuousClock.now - renamed)")
            // Both still forward to the camera, which answers on each from the internet.
            try eventually(.seconds(5), "lookout answers on 8080 and \(own) from wan") {
                try lab.stateFromWAN(port: 8080)?.name == "lookout" && lab.stateFromWAN(port: own)?.name == "lookout"
            }
            let table = try Self.descriptions(lab)
            #expect(Self.line(table, port: 8080)?.contains("->\(address):") == true && Self.line(table, port: own)?.contains("->\(address):") == true,
                    "\(table)")
        }
    }
}
