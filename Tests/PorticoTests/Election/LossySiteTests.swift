import FirstComePolicy
import PortOrderPolicy
import PorticoCore
import RandomBackoffPolicy
import ServerValuePolicy
import Synchronization
import Testing

/// Whole sites on a LAN that loses 20% of the peer messages and a router link on which
/// exchanges take seconds and some go unanswered: once a representative is there, it
/// stays, and the site does not churn.
@Suite("A site on a lossy LAN keeps its representative")
struct LossySiteTests {
    static var lossy: SiteSimulation.Settings {
        var settings = SiteSimulation.Settings()
        settings.cameras = 4
        settings.loss = 0.2
        settings.copies = 2
        settings.secureRouter = false
        settings.keepOwnPort = true
        settings.fixedLease = .seconds(10)
        settings.routerDelay = .seconds(3)
        settings.routerLoss = 0.05
        settings.routerTimeout = .seconds(5)
        return settings
    }

    /// The policy by name; random-backoff drawing from a seeded generator, so a run replays.
    static func policy(_ name: String, seed: UInt64) -> any ElectionPolicy {
        guard name == "random-backoff" else { return ElectionSimulationTests.policies.first { $0.0 == name }!.1 }
        let generator = Mutex(SplitMix64(seed: seed ^ 0x5EED))
        return RandomBackoffPolicy(window: .milliseconds(500)) { range in
            generator.withLock { Int64.random(in: range, using: &$0) }
        }
    }

    @Test("two minutes at 20% loss: the same representative throughout", arguments: ElectionSimulationTests.policies.map(\.0))
    func noChurn(policy name: String) async throws {
        let churned = try await SimulationThread.run { () -> [String] in
            var churned: [String] = []
            for seed in UInt64(1)...12 {
                let seed = seed &* 7919 &+ UInt64(name.utf8.count)
                var site = SiteSimulation(settings: Self.lossy, policy: Self.policy(name, seed: seed), seed: seed)
                site.boot(within: .seconds(1))
                site.run(until: .seconds(30))
                guard let first = site.representative else {
                    churned.append("seed \(seed): no representative after 30 s")
                    continue
                }
                var changes: [String] = []
                var now = Duration.seconds(30)
                while now < .seconds(150) {
                    now += .milliseconds(100)
                    site.run(until: now)
                    let holders = site.cameras.filter { $0.alive && $0.node.election.role == .representative }.map(\.id)
                    if holders != [first] { changes.append("\(now): representatives \(holders)") }
                    if !changes.isEmpty { break }
                }
                if !changes.isEmpty { churned.append("seed \(seed): \(changes.prefix(3).joined(separator: "; "))") }
            }
            return churned
        }
        #expect(churned.isEmpty, "\(churned.count) of 12 sites churned:\n\(churned.joined(separator: "\n"))")
    }

    @Test("the representative crashes at 20% loss: one other takes over, and then stays", arguments: ElectionSimulationTests.policies.map(\.0))
    func failoverThenStable(policy name: String) async throws {
        let problems = try await SimulationThread.run { () -> [String] in
            var problems: [String] = []
            for seed in UInt64(1)...12 {
                let seed = seed &* 104_729 &+ UInt64(name.utf8.count)
                var site = SiteSimulation(settings: Self.lossy, policy: Self.policy(name, seed: seed), seed: seed)
                site.boot(within: .seconds(1))
                site.run(until: .seconds(30))
                guard let first = site.representative, let index = site.cameras.firstIndex(where: { $0.id == first }) else {
                    problems.append("seed \(seed): no representative after 30 s")
                    continue
                }
                site.crash(index)
                site.run(until: .seconds(60))
                guard let second = site.representative else {
                    problems.append("seed \(seed): no representative 30 s after the crash")
                    continue
                }
                var now = Duration.seconds(60)
                while now < .seconds(120) {
                    now += .milliseconds(100)
                    site.run(until: now)
                    if site.representative != second {
                        problems.append("seed \(seed): \(second) lost the role at \(now)")
                        break
                    }
                }
            }
            return problems
        }
        #expect(problems.isEmpty, "\(problems.count) of 12:\n\(problems.joined(separator: "\n"))")
    }
}

extension SiteSimulation {
    /// The one live camera acting as representative, if exactly one does.
    var representative: String? {
        let holders = cameras.filter { $0.alive && $0.node.election.role == .representative }
        return holders.count == 1 ? holders[0].id : nil
    }
}
