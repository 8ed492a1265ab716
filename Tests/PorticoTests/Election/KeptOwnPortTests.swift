import PortOrderPolicy
import PorticoCore
import Testing

/// A member that becomes representative keeps the port it had, beside the fixed one, for
/// as long as it stays; links to it that were handed out keep working. Whole sites in
/// virtual time, with the router's table as the judge.
@Suite("A representative keeps its own port")
struct KeptOwnPortTests {
    struct Scenario: Sendable, CustomTestStringConvertible {
        let loss: Double
        let routerDelay: Duration
        var testDescription: String { "LAN loss \(Int(loss * 100))%, router exchanges up to \(routerDelay)" }
    }

    @Test("the successor holds 8080 and its old port through three leases; leaving, it gives both back; each camera listed once",
          arguments: [Scenario(loss: 0, routerDelay: .zero), Scenario(loss: 0.2, routerDelay: .milliseconds(500))])
    func keptThroughFailover(_ scenario: Scenario) throws {
        var failures: [String] = []
        for seed in UInt64(1)...20 {
            var settings = SiteSimulation.Settings()
            settings.cameras = 3
            settings.keepOwnPort = true
            settings.secureRouter = seed % 2 == 0
            settings.loss = scenario.loss
            settings.copies = scenario.loss > 0 ? 2 : 1
            settings.routerDelay = scenario.routerDelay
            var site = SiteSimulation(settings: settings, policy: PortOrderPolicy(step: .milliseconds(300)), seed: seed)
            site.boot(within: .seconds(1))
            site.run(until: .seconds(20))
            guard let first = site.cameras.firstIndex(where: { $0.alive && $0.node.election.role == .representative }) else {
                failures.append("seed \(seed): no representative after 20 s")
                continue
            }
            let ports = site.cameras.map { $0.node.registration.mapping?.externalPort }
            site.leave(first)
            site.run(until: .seconds(35))
            guard let next = site.cameras.firstIndex(where: { $0.alive && $0.node.election.role == .representative }),
                  let own = ports[next], own != SiteSimulation.fixedPort else {
                failures.append("seed \(seed): no successor that was a member 15 s after the representative left")
                continue
            }
            let address = site.cameras[next].address
            // Three leases of the own port (20 s), a dozen of the fixed one's.
            var time = Duration.seconds(35)
            while time < .seconds(95) && failures.isEmpty {
                time += .seconds(1)
                site.run(until: time)
                site.readTable(by: next)
                if site.router[SiteSimulation.fixedPort]?.owner != address || site.router[own]?.owner != address {
                    failures.append("seed \(seed) at \(time): the router maps 8080 to \(site.router[8080]?.owner ?? "nobody"), "
                                    + "\(own) to \(site.router[own]?.owner ?? "nobody"); the representative is \(address)")
                }
            }
            if let problem = site.settledProblem() { failures.append("seed \(seed): \(problem)") }
            let listed = site.cameras[next].node.directory()
            if listed.count != 2 || Set(listed.map(\.name)).count != 2 {
                failures.append("seed \(seed): the directory lists \(listed.map { "\($0.name):\($0.externalPort ?? 0)" })")
            }
            site.leave(next)
            site.run(until: time + .seconds(1))
            if site.router[own] != nil || site.router[SiteSimulation.fixedPort]?.owner == address {
                failures.append("seed \(seed): after leaving, 8080 maps to \(site.router[8080]?.owner ?? "nobody"), \(own) to \(site.router[own]?.owner ?? "nobody")")
            }
            if !failures.isEmpty { break }
        }
        #expect(failures.isEmpty, "\(failures.joined(separator: "\n"))")
    }
}
