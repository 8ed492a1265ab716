import FirstComePolicy
import PortOrderPolicy
import PorticoCore
import RandomBackoffPolicy
import ServerValuePolicy
import Testing

/// The election and registration state machines of whole sites, in virtual time, under
/// message loss, duplication, reordering, partitions, crashes and departures.
@Suite("Election in virtual time")
struct ElectionSimulationTests {
    static let policies: [(String, any ElectionPolicy)] = [
        ("first-come", FirstComePolicy()),
        ("random-backoff", RandomBackoffPolicy(window: .milliseconds(100))),
        ("port-order", PortOrderPolicy(step: .milliseconds(300))),
        ("server-value", ServerValuePolicy(step: .milliseconds(100), slots: 16)),
    ]

    /// Runs per policy in the suite (thousands, as the election must settle in every one);
    /// `PORTICO_SIMULATION_RUNS` changes it by hand.
    static var runs: Int {
        getenv("PORTICO_SIMULATION_RUNS").flatMap { Int(String(cString: $0)) } ?? 2000
    }

    @Test("a quiet boot ends with one representative listing every camera", arguments: policies.map(\.0))
    func quietBoot(policy name: String) {
        let policy = Self.policies.first { $0.0 == name }!.1
        var site = SiteSimulation(settings: .init(cameras: 4), policy: policy, seed: 1)
        site.boot(within: .seconds(1))
        site.run(until: .seconds(10))
        #expect(site.settledProblem() == nil, "\(site.settledProblem() ?? "")")
    }

    @Test("randomized sites settle: exactly one representative, every live camera listed, no dead one", arguments: policies.map(\.0))
    func randomizedSites(policy name: String) async throws {
        let failures = try await SimulationThread.run { () -> [String] in
            let policy = Self.policies.first { $0.0 == name }!.1
            var failures: [String] = []
            for run in 0..<Self.runs {
                let seed = UInt64(run) &* 0x9E37_79B9 &+ UInt64(name.utf8.reduce(0) { $0 &* 31 &+ UInt64($1) })
                var dice = SplitMix64(seed: seed ^ 0xABCD)
                var settings = SiteSimulation.Settings()
                settings.cameras = Int(dice.next() % 4) + 2
                settings.loss = [0, 0.05, 0.2, 0.3][Int(dice.next() % 4)]
                settings.duplication = dice.nextDouble() * 0.1
                settings.maximumDelay = .milliseconds(Int64(dice.next() % 100) + 1)
                settings.secureRouter = dice.next() % 2 == 0
                settings.keepOwnPort = dice.next() % 2 == 0
                var site = SiteSimulation(settings: settings, policy: policy, seed: seed)
                site.boot(within: .seconds(2))

                // Chaos: crashes, a departure, a partition, in the first 30 s.
                var chaos = Duration.seconds(3)
                let events = Int(dice.next() % 4)
                for _ in 0..<events {
                    chaos += .milliseconds(Int64(dice.next() % 8000))
                    site.run(until: chaos)
                    let live = site.cameras.indices.filter { site.cameras[$0].alive }
                    guard live.count > 1 else { break }
                    let target = live[Int(dice.next() % UInt64(live.count))]
                    switch dice.next() % 3 {
                    case 0: site.crash(target)
                    case 1: site.leave(target)
                    default: site.partition(site.cameras.indices.map { _ in Int(dice.next() % 2) })
                    }
                }
                site.run(until: chaos + .seconds(5))
                // Settle: the network heals and becomes reliable.
                site.heal()
                site.run(until: chaos + .seconds(40))
                if let problem = site.settledProblem() {
                    failures.append("seed \(seed), \(settings.cameras) cameras, loss \(settings.loss), secure \(settings.secureRouter): \(problem)")
                }
            }
            return failures
        }
        #expect(failures.isEmpty, "\(failures.count) of \(Self.runs) runs did not settle:\n\(failures.prefix(5).joined(separator: "\n"))")
    }
}

#if canImport(Glibc)
import Glibc
#endif

@Suite("Directory sources")
struct DirectorySourceTests {
    static func representative(listsUnverified: Bool = false) -> CameraNode {
        var node = CameraNode(
            registration: .init(fixedPort: 8080, ports: PortRange(8081, 8089), lease: .seconds(60), internalAddress: "198.51.100.11",
                                internalPort: 8080, description: "portico:cam1"),
            election: .init(id: "a", inquiryInterval: .seconds(1), missed: 2), policy: FirstComePolicy(),
            me: CameraRecord(name: "cam1", internalAddress: "198.51.100.11", internalPort: 8080, externalPort: nil, serverValue: "a"),
            at: .zero, listsUnverified: listsUnverified)
        _ = node.handle(.start, at: .zero)
        _ = node.handle(.backend(.mapped(PortMapping(externalPort: 8080, internalAddress: "198.51.100.11", internalPort: 8080,
                                                      lease: .seconds(60), description: "portico:cam1"))), at: .zero)
        return node
    }

    static let table = [
        PortMapping(externalPort: 8080, internalAddress: "198.51.100.11", internalPort: 8080, lease: .seconds(60), description: "portico:cam1"),
        PortMapping(externalPort: 8081, internalAddress: "198.51.100.12", internalPort: 8080, lease: .seconds(60), description: "portico:cam2"),
        PortMapping(externalPort: 8082, internalAddress: "198.51.100.13", internalPort: 8080, lease: .seconds(60), description: "portico:cam3"),
        PortMapping(externalPort: 2222, internalAddress: "198.51.100.50", internalPort: 22, lease: .zero, description: "ssh"),
    ]

    static func message(_ kind: PeerMessage.Kind = .notice, from sender: String, name: String, address: String, port: Int) -> PeerMessage {
        PeerMessage(kind: kind, sender: sender, sequence: 1, term: 0, camera: CameraRecord(
            name: name, internalAddress: address, internalPort: 8080, externalPort: port, serverValue: sender))
    }

    @Test("the router's table adds portico: mappings at addresses cameras of the site spoke from, and only those")
    func routerTable() {
        var node = Self.representative()
        _ = node.handle(.message(Self.message(from: "b", name: "cam2", address: "198.51.100.12", port: 8081)), at: .zero)
        _ = node.handle(.message(Self.message(from: "c", name: "cam3", address: "198.51.100.13", port: 8082)), at: .zero)
        // cam3 falls silent and ages out of the peers; its mapping, still listed, keeps it in the directory.
        _ = node.handle(.message(Self.message(.report, from: "b", name: "cam2", address: "198.51.100.12", port: 8081)), at: .seconds(9))
        _ = node.handle(.routerTable(Self.table), at: .seconds(9))
        _ = node.advance(to: .seconds(10))
        #expect(node.election.peers["c"] != nil)
        #expect(node.directory().map(\.name) == ["cam1", "cam2", "cam3"])
        #expect(node.directory().map(\.externalPort) == [8080, 8081, 8082])
        #expect(node.directory().allSatisfy { node.isVerified($0) })
    }
}
