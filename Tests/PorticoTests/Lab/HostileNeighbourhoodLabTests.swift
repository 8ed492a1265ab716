#if canImport(Glibc)
import Glibc
#endif
import FoundationEssentials
import PorticoCore
import PorticoTestSupport
import Testing

/// A site of three cameras behind the lab's real router, for three minutes, while a
/// compromised gadget on the LAN and strangers on the internet do what they can: what
/// a camera with a port forwarded to everybody must ride out without crashing, without
/// a second representative, and without its viewers noticing.
@Suite("A site in a hostile neighbourhood", .serialized, .tags(.lab), .enabled(if: NetworkLab.isAvailable, "needs root and miniupnpd (Tests/Lab/netlab install-deps)"))
struct HostileNeighbourhoodLabTests {
    static let attack = 180
    static let fps = 10
    static let attacker = "198.51.100.14"

    static func profile(camera: Int, keyFile: String, folder: String) -> String {
        """
        name = "cam\(camera)"
        state_dir = "\(folder)"
        [http]
        admin_file = "\(folder)/admin"
        [camera]
        source = "test-pattern"
        size = "320x240"
        fps = \(fps)
        [mapping]
        backend = "upnp"
        lease = "60s"
        fixed_lease = "2s"
        [election]
        policy = "port-order"
        key_file = "\(keyFile)"
        inquiry = "1s"
        missed = 2
        """
    }

    /// The camera's role as it says itself, asked over the LAN from the router.
    static func role(_ lab: NetworkLab, camera: Int) -> String? {
        guard let reply = try? lab.run(["exec", "router", "curl", "-s", "-f", "-m", "3", "http://198.51.100.\(10 + camera):8080/state"], timeout: .seconds(10)),
              reply.status == 0, let state = try? JSONDecoder().decode(StateReport.self, from: Data(reply.output.utf8))
        else { return nil }
        return state.site?.role.rawValue
    }

    @Test("3 cameras for 3 minutes under peer floods, a forged mapping, an evil gateway, idle connections, wrong logins and two kills of the representative")
    func hostileNeighbourhood() async throws {
        try await blocking { try Self.attackSite() }
    }

    static func attackSite() throws {
        let lab = try NetworkLab(prefix: "thn-", cameras: 4)
        defer { lab.tearDown() }
        let key = try temporaryProfile("site-key-for-the-hostile-neighbourhood\n")
        defer { unlink(key) }
        var folders: [String] = []
        for _ in 1...3 {
            let folder = try temporaryFolder()
            try AdminCredential(password: "the-right-password").save(to: folder + "/admin")
            folders.append(folder)
        }
        defer { for folder in folders { _ = try? Subprocess.run(["-rf", folder], executable: "/bin/rm") } }
        var cameras = try (1...3).map { index in
            try lab.startPortico(camera: index, profile: Self.profile(camera: index, keyFile: key, folder: folders[index - 1]))
        }
        // PORTICO_SEED replays a run's kill times.
        let seed = getenv("PORTICO_SEED").flatMap { UInt64(String(cString: $0)) } ?? UInt64(time(nil))
        var random = SplitMix64(seed: seed)
        // Two kills of whoever is the representative then, one in each half of the attack.
        let kills = [Int.random(in: 30...70, using: &random), Int.random(in: 100...140, using: &random)]
        print("hostile neighbourhood: seed \(seed), kills at \(kills) s")

        do {
            try eventually(.seconds(30), "directory of 3 from wan") { try RepresentativeLabTests.directoryIsExactly(["cam1", "cam2", "cam3"], lab) }

            let hostile = Repository.path("Tests/Lab/hostile_neighbour.py")
            let seconds = String(Self.attack)
            // The compromised gadget: an evil gateway answering discovery, a forged mapping, a peer flood.
            _ = try lab.spawn(in: "cam4", ["/usr/bin/python3", Repository.path("Tests/Lab/broken_igd.py"),
                                           "--mode", "chunk-overflow", "--bind", Self.attacker, "--lifetime", String(Self.attack + 30)])
            let forged = try lab.run(["exec", "cam4", "upnpc", "-i", "-u", "http://198.51.100.1:5000/rootDesc.xml",
                                      "-e", "portico:evil-cam", "-a", Self.attacker, "8080", "8095", "TCP", "3600"])
            #expect(forged.status == 0 && forged.output.contains("is redirected"), "\(forged.output)\(forged.error)")
            let flood = try lab.spawn(in: "cam4", ["/usr/bin/python3", hostile, "peers", "--address", Self.attacker, "--seconds", seconds])
            // Strangers on the internet, at the one public address.
            let idle = try lab.spawn(in: "wan", ["/usr/bin/python3", hostile, "idle", "--host", NetworkLab.externalAddress, "--port", "8080",
                                                 "--connections", "500", "--seconds", seconds])
            let logins = try lab.spawn(in: "wan", ["/usr/bin/python3", hostile, "logins", "--url", "http://\(NetworkLab.externalAddress):8080/api/name",
                                                   "--concurrency", "20", "--seconds", seconds])
            // A viewer of each camera, on the LAN.
            let viewers = try (1...3).map { index in
                try lab.spawn(in: "router", ["/usr/bin/python3", hostile, "viewer", "--url", "http://198.51.100.\(10 + index):8080/stream",
                                             "--seconds", seconds])
            }

            let start = ContinuousClock.now
            var killed: Set<Int> = []
            var pendingRestart: [(camera: Int, at: Duration)] = []
            for second in 1...Self.attack {
                while ContinuousClock.now < start + .seconds(second) { usleep(50_000) }
                for (index, camera) in cameras.enumerated() where !pendingRestart.contains(where: { $0.camera == index + 1 }) {
                    #expect(camera.exited() == nil, "cam\(index + 1) exited (\(camera.exited() ?? 0)) at \(second) s: \(camera.errorOutput.suffix(2000))")
                }
                if kills.contains(second) {
                    let roles = (1...3).map { Self.role(lab, camera: $0) }
                    if let found = roles.firstIndex(of: "representative") {
                        let representative = found + 1
                        print("hostile neighbourhood: SIGKILL of the representative cam\(representative) at \(second) s")
                        cameras[representative - 1].signal(SIGKILL)
                        _ = try cameras[representative - 1].wait(timeout: .seconds(5))
                        killed.insert(representative)
                        pendingRestart.append((representative, .seconds(second + 5)))
                    } else {
                        Issue.record("no representative at \(second) s; the cameras' roles, asked on the LAN: \(roles)")
                    }
                }
                for restart in pendingRestart where restart.at <= .seconds(second) {
                    cameras[restart.camera - 1] = try lab.startPortico(
                        camera: restart.camera, profile: Self.profile(camera: restart.camera, keyFile: key, folder: folders[restart.camera - 1]))
                }
                pendingRestart.removeAll { $0.at <= .seconds(second) }
            }

            for process in [flood, idle, logins] + viewers { _ = try process.wait(timeout: .seconds(40)) }
            print("hostile neighbourhood: \(flood.output)\(idle.output)\(logins.output)")
            for (index, camera) in cameras.enumerated() {
                #expect(camera.exited() == nil, "cam\(index + 1) exited: \(camera.errorOutput.suffix(2000))")
            }
            do {
                try eventually(.seconds(20), "the directory from wan lists exactly the live cameras") {
                    try RepresentativeLabTests.directoryIsExactly(["cam1", "cam2", "cam3"], lab)
                }
            } catch {
                Issue.record("\(error)\n\(lab.report(cameras, lines: 25))")
            }
            let roles = (1...3).map { Self.role(lab, camera: $0) }
            #expect(roles.filter { $0 == "representative" }.count == 1, "roles: \(roles)")

            // The cameras never killed kept their viewers' frame rate.
            for index in (1...3) where !killed.contains(index) {
                let report = try JSONDecoder().decode(ViewerReport.self, from: Data(viewers[index - 1].output.utf8))
                let frames = report.frames_per_second.dropFirst(2).reduce(0, +)
                let expected = Self.fps * (report.frames_per_second.count - 2)
                print("hostile neighbourhood: cam\(index) viewer \(frames) of \(expected) frames, \(report.reconnects) reconnects")
                #expect(Double(frames) >= 0.9 * Double(expected), "cam\(index): \(report.frames_per_second)")
            }
            #expect(!killed.isEmpty, "the representative was killed")
        }
    }

    struct ViewerReport: Decodable {
        let frames_per_second: [Int]
        let reconnects: Int
    }
}
