#if canImport(Glibc)
import Glibc
#endif
import FoundationEssentials
import PorticoCore
import PorticoTestSupport
import Testing

/// A site of cameras behind the lab's real router: the directory seen from the internet,
/// the representative leaving cleanly or dying, and a rogue on the LAN.
@Suite("The representative through a real router", .serialized, .tags(.lab), .enabled(if: NetworkLab.isAvailable, "needs root and miniupnpd (Tests/Lab/netlab install-deps)"))
struct RepresentativeLabTests {
    static func profile(camera: Int, policy: String, keyFile: String, backend: String = "natpmp") -> String {
        """
        name = "cam\(camera)"
        [camera]
        source = "test-pattern"
        size = "320x240"
        fps = 5
        [mapping]
        backend = "\(backend)"
        lease = "60s"
        fixed_lease = "2s"
        [election]
        policy = "\(policy)"
        key_file = "\(keyFile)"
        inquiry = "1s"
        missed = 2
        """
    }

    /// The directory as the internet sees it: from `wan`, on the fixed port.
    static func directory(_ lab: NetworkLab) throws -> SiteStatus? {
        // A connect timeout past TCP's first SYN retransmission (1 s), so a lossy LAN is ridden out as a browser would.
        let reply = try lab.getFromWAN("http://\(NetworkLab.externalAddress):8080/directory.json", timeout: 8, connectTimeout: 4)
        guard reply.status == 0 else { return nil }
        return try? JSONDecoder().decode(SiteStatus.self, from: Data(reply.body))
    }

    /// The directory as the LAN sees it, LAN addresses included (the internet's has none):
    /// from cam1's namespace, from whichever of `addresses` answers as the representative.
    static func directoryFromLAN(_ lab: NetworkLab, addresses: [String] = (11...14).map { "198.51.100.\($0)" }) throws -> SiteStatus? {
        for address in addresses {
            let reply = try lab.run(["exec", "cam1", "curl", "-s", "-f", "--connect-timeout", "1", "-m", "2", "http://\(address):8080/directory.json"])
            guard reply.status == 0, let site = try? JSONDecoder().decode(SiteStatus.self, from: Data(reply.output.utf8)),
                  site.role == .representative
            else { continue }
            return site
        }
        return nil
    }

    /// True when the directory lists exactly `names`, from the representative, and every link reaches its camera.
    static func directoryIsExactly(_ names: Set<String>, _ lab: NetworkLab) throws -> Bool {
        guard let site = try directory(lab), site.role == .representative else { return false }
        guard Set(site.directory.cameras.map(\.name)) == names, site.directory.cameras.count == names.count else { return false }
        for camera in site.directory.cameras {
            guard camera.url == "http://203.0.113.10:\(camera.external_port)/",
                  try lab.stateFromWAN(port: camera.external_port, timeout: 8, connectTimeout: 4)?.name == camera.name
            else { return false }
        }
        return true
    }

    static func writeKey(_ text: String) throws -> String { try temporaryProfile(text) }

    struct Scenario: Sendable, CustomTestStringConvertible {
        let policy: String
        let backend: String
        let kill: Bool
        let secure: Bool
        let loss: Int
        /// Each scenario its own lab, so nothing it leaves can touch another.
        let prefix: String
        var testDescription: String { "\(policy) over \(backend), \(kill ? "SIGKILL" : "SIGTERM"), secure \(secure ? "on" : "off"), loss \(loss)%" }
    }

    /// Every policy, stopped gracefully and killed, with the router's secure mode on and
    /// off, with and without 20% loss: 32 sites. NAT-PMP for two policies, UPnP for the others.
    static let scenarios: [Scenario] = {
        var all: [Scenario] = []
        for (index, policy) in ["first-come", "random-backoff", "port-order", "server-value"].enumerated() {
            for kill in [false, true] {
                for secure in [true, false] {
                    for loss in [0, 20] {
                        all.append(Scenario(
                            policy: policy, backend: index % 2 == 0 ? "natpmp" : "upnp", kill: kill, secure: secure, loss: loss,
                            prefix: "f\(all.count)-"))
                    }
                }
            }
        }
        return all
    }()

    @Test("4 cameras: the directory on :8080 lists exactly the live cameras before and after the representative leaves",
          .serialized, arguments: scenarios.filter { $0.loss == 0 })
    func failover(_ scenario: Scenario) async throws {
        try await run(scenario)
    }

    /// With 20% loss on every camera's port (so on the router exchanges too), both ways.
    @Test("4 cameras on a LAN losing 20%: the same, once the site settles",
          .serialized, arguments: scenarios.filter { $0.loss > 0 })
    func failoverUnderLoss(_ scenario: Scenario) async throws {
        try await run(scenario)
    }

    func run(_ scenario: Scenario) async throws {
        let lab = try NetworkLab(prefix: scenario.prefix, cameras: 4)
        if !scenario.secure { try lab.run(["secure", "off"]) }
        let key = try Self.writeKey("site-key-for-the-lab-failover-tests\n")
        defer { unlink(key) }
        let cameras = try (1...4).map { index in
            try lab.startPortico(camera: index, profile: Self.profile(camera: index, policy: scenario.policy, keyFile: key, backend: scenario.backend))
        }
        try await blocking {
            let all: Set<String> = ["cam1", "cam2", "cam3", "cam4"]
            try eventually(.seconds(30), "directory of 4 from wan", explain: { lab.report(cameras) }) {
                try Self.directoryIsExactly(all, lab)
            }
            let site = try #require(try Self.directory(lab))
            // Loss on every camera's switch port, both ways, from here on: from now every
            // fetch from wan is retried, as a viewer's browser would.
            if scenario.loss > 0 {
                for index in 1...4 { try lab.run(["loss", "cam\(index)", String(scenario.loss)]) }
            }
            let representative = try #require(site.representative)
            let index = try #require(Int(representative.dropFirst(3)))
            cameras[index - 1].signal(scenario.kill ? SIGKILL : SIGTERM)
            if !scenario.kill {
                #expect(try cameras[index - 1].wait(timeout: .seconds(5)) == 0)
            }
            let rest = all.subtracting([representative])
            try eventually(.seconds(45), "directory of the 3 left, from a new representative", explain: { lab.report(cameras) }) {
                try Self.directoryIsExactly(rest, lab)
            }
            var latest: SiteStatus?
            try eventually(.seconds(10), "the new directory read from wan") {
                latest = try Self.directory(lab)
                return latest != nil
            }
            let after = try #require(latest)
            #expect(after.representative != representative)
            #expect(after.term >= site.term, "\(scenario.testDescription): before \(site), after \(after)")
        }
    }

    @Test("renaming a camera (with its admin password) shows on the representative's page within one inquiry interval")
    func rename() async throws {
        let lab = try NetworkLab(prefix: "tn2-", cameras: 2)
        let key = try Self.writeKey("site-key-for-the-lab-rename-tests\n")
        defer { unlink(key) }
        var folders: [String] = []
        for index in 1...2 {
            let folder = try temporaryFolder()
            try AdminCredential(password: "bring-up-pass", iterations: 2_000).save(to: folder + "/admin")
            folders.append(folder)
            _ = try lab.startPortico(camera: index, profile: "state_dir = \"\(folder)\"\n" + Self.profile(camera: index, policy: "port-order", keyFile: key)
                .replacing("[camera]", with: "[http]\nadmin_file = \"\(folder)/admin\"\n[camera]"))
        }
        try await blocking {
            try eventually(.seconds(30), "directory of 2") { try Self.directoryIsExactly(["cam1", "cam2"], lab) }
            let site = try #require(try Self.directoryFromLAN(lab))
            let member = try #require(site.directory.cameras.first { !$0.representative })
            let token = Data("admin:bring-up-pass".utf8).base64EncodedString()
            let renamed = try lab.run(["exec", "cam1", "curl", "-s", "-f", "-m", "5", "-H", "Authorization: Basic \(token)",
                                       "-d", #"{"name": "garage"}"#, "http://\(member.internal_address ?? ""):8080/api/name"])
            #expect(renamed.status == 0, "\(renamed.output)\(renamed.error)")
            let start = ContinuousClock.now
            try eventually(.seconds(3), "new name on the representative's page") {
                try Self.directory(lab)?.directory.cameras.contains { $0.name == "garage" && $0.external_port == member.external_port } == true
            }
            #expect(ContinuousClock.now - start < .seconds(1) + .milliseconds(500), "within one inquiry interval (1 s)")
            let page = try lab.getFromWAN("http://203.0.113.10:8080/")
            #expect(String(decoding: page.body, as: UTF8.self).contains(">garage</span>"))
        }
        for folder in folders { _ = try? Subprocess.run(["-rf", folder], executable: "/bin/rm") }
    }

    @Test("register = \"switch\": no port until portico register (the software switch) is pressed; --withdraw gives it back")
    func registrationSwitch() async throws {
        let lab = try NetworkLab(prefix: "tsw-", cameras: 1)
        let key = try Self.writeKey("site-key-for-the-lab-switch-tests\n")
        let folder = try temporaryFolder()
        defer { unlink(key) }
        try AdminCredential(password: "bring-up-pass", iterations: 2_000).save(to: folder + "/admin")
        let profile = "state_dir = \"\(folder)\"\n" + Self.profile(camera: 1, policy: "port-order", keyFile: key)
            .replacing("[camera]", with: "[http]\nadmin_file = \"\(folder)/admin\"\n[camera]")
            .replacing("fixed_lease = \"2s\"", with: "fixed_lease = \"2s\"\nregister = \"switch\"")
        _ = try lab.startPortico(camera: 1, profile: profile)
        let password = try temporaryProfile("bring-up-pass\n")
        defer { unlink(password) }
        try await blocking {
            try eventually(.seconds(20), "the camera answers on the LAN") {
                try lab.run(["exec", "cam1", "curl", "-s", "-f", "-m", "2", "http://127.0.0.1:8080/state"]).status == 0
            }
            usleep(2_000_000)
            #expect(try lab.stateFromWAN(port: 8080, timeout: 2) == nil, "not registered before the switch")
            let wrong = try lab.run(["exec", "cam1", "sh", "-c", "echo nope | \(Repository.executable) register"])
            #expect(wrong.status != 0 && wrong.output.contains("admin required"))
            let pressed = try lab.run(["exec", "cam1", "sh", "-c", "\(Repository.executable) register < \(password)"])
            #expect(pressed.status == 0, "\(pressed.output)\(pressed.error)")
            try eventually(.seconds(5), "registered after the switch") { try lab.stateFromWAN(port: 8080, timeout: 2) != nil }
            let withdrawn = try lab.run(["exec", "cam1", "sh", "-c", "\(Repository.executable) register --withdraw < \(password)"])
            #expect(withdrawn.status == 0, "\(withdrawn.output)\(withdrawn.error)")
            try eventually(.seconds(5), "the port given back") { try lab.stateFromWAN(port: 8080, timeout: 1) == nil }
        }
    }

    @Test("messages under the site key with term 2^64-1 or a name no camera has are dropped and counted; no camera crashes")
    func signedHostile() async throws {
        let lab = try NetworkLab(prefix: "tgt-", cameras: 3)
        let key = try Self.writeKey("site-key-for-the-lab-hostile-tests\n")
        defer { unlink(key) }
        for index in 1...2 { _ = try lab.startPortico(camera: index, profile: Self.profile(camera: index, policy: "port-order", keyFile: key)) }
        try await blocking {
            try eventually(.seconds(30), "directory of 2") { try Self.directoryIsExactly(["cam1", "cam2"], lab) }
            let before = try #require(try Self.directory(lab))
            let rogue = Repository.path("Tests/Lab/rogue_peer.py")
            // It made every camera of the site trap at its next claim, within seconds.
            let huge = try lab.run(["exec", "cam3", "/usr/bin/python3", rogue, "forge", "--address", "198.51.100.13", "--key-file", key,
                                    "--count", "10", "--term", String(UInt64.max)])
            #expect(huge.status == 0, "\(huge.error)")
            let named = try lab.run(["exec", "cam3", "/usr/bin/python3", rogue, "forge", "--address", "198.51.100.13", "--key-file", key,
                                     "--count", "5", "--term", "1", "--name", "<b>evil</b>"])
            #expect(named.status == 0, "\(named.error)")
            usleep(5_000_000)  // past a silence limit and a claim
            for index in 1...2 {
                #expect(try lab.run(["exec", "cam\(index)", "curl", "-s", "-f", "-m", "2", "http://127.0.0.1:8080/state"]).status == 0,
                        "cam\(index) still serves")
            }
            var latest: SiteStatus?
            try eventually(.seconds(10), "the directory read from wan") {
                latest = try Self.directory(lab)
                return latest != nil
            }
            let after = try #require(latest)
            #expect(after.representative == before.representative)
            #expect(after.term == before.term)
            #expect((after.dropped["term_jump"] ?? 0) >= 40, "\(after.dropped)")
            #expect((after.dropped["invalid_field"] ?? 0) >= 20, "\(after.dropped)")
            #expect(try Self.directoryIsExactly(["cam1", "cam2"], lab))
        }
    }

    @Test("a rogue without the site key cannot become representative or add an entry; replays are dropped")
    func rogue() async throws {
        let lab = try NetworkLab(prefix: "tg-", cameras: 3)
        let key = try Self.writeKey("site-key-for-the-lab-rogue-tests\n")
        let wrong = try Self.writeKey("a-different-key-the-rogue-guessed\n")
        defer { unlink(key); unlink(wrong) }
        for index in 1...2 { _ = try lab.startPortico(camera: index, profile: Self.profile(camera: index, policy: "port-order", keyFile: key)) }
        try await blocking {
            try eventually(.seconds(30), "directory of 2") { try Self.directoryIsExactly(["cam1", "cam2"], lab) }
            let before = try #require(try Self.directory(lab))
            let rogue = Repository.path("Tests/Lab/rogue_peer.py")
            let forged = try lab.run(["exec", "cam3", "/usr/bin/python3", rogue, "forge", "--address", "198.51.100.13", "--key-file", wrong])
            #expect(forged.status == 0, "\(forged.error)")
            let replayed = try lab.run(["exec", "cam3", "/usr/bin/python3", rogue, "replay", "--address", "198.51.100.13", "--listen", "2.5"])
            #expect(replayed.status == 0, "\(replayed.error)")
            usleep(500_000)
            var latest: SiteStatus?
            try eventually(.seconds(10), "the new directory read from wan") {
                latest = try Self.directory(lab)
                return latest != nil
            }
            let after = try #require(latest)
            #expect(after.representative == before.representative)
            #expect(after.term == before.term)
            #expect(!after.directory.cameras.contains { $0.name.contains("rogue") })
            #expect(try Self.directoryIsExactly(["cam1", "cam2"], lab))
            #expect((after.dropped["bad_signature"] ?? 0) >= 40, "\(after.dropped)")
            #expect((after.dropped["replayed"] ?? 0) > 0, "\(after.dropped)")
        }
    }
}
