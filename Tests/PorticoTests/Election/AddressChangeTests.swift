import FirstComePolicy
import PortOrderPolicy
import PorticoCore
import Testing

/// The board's LAN address changes while it runs (a DHCP renewal hands out another): the
/// mapping moves to the new address and the peers learn it, without a restart.
@Suite("A changed LAN address is followed")
struct AddressChangeTests {
    typealias Machine = RegistrationTests
    static let moved = "198.51.100.21"

    static func request(_ port: Int, from address: String = moved) -> Registration.Action {
        .map(PortMappingRequest(externalPort: port, internalAddress: address, internalPort: 8080, lease: .seconds(60),
                                description: "portico:cam1"))
    }

    @Test("mapped: the old mapping given back if it still forwards to the old address, the port asked for again at once")
    func registrationMoves() {
        var machine = Machine.holding8081()
        #expect(machine.handle(.addressChanged(Self.moved), at: .seconds(5))
            == [.giveBack(externalPort: 8081, holder: "198.51.100.11"), Self.request(8081)])
        #expect(machine.configuration.internalAddress == Self.moved)
        // Until the router answers it still counts as mapped.
        #expect(machine.mapping?.externalPort == 8081)
        let granted = PortMapping(externalPort: 8081, internalAddress: Self.moved, internalPort: 8080, lease: .seconds(60),
                                  description: "portico:cam1")
        #expect(machine.handle(.mapped(granted), at: .seconds(5) + .milliseconds(10)) == [])
        #expect(machine.phase == .mapped && machine.mapping?.internalAddress == Self.moved)
        // Renewals go out for the new address.
        #expect(machine.advance(to: .seconds(36)).first == Self.request(8081))
    }

    @Test("the router keeps the old mapping (secure mode): refused, the next port of the range for the new address")
    func oldMappingKept() {
        var machine = Machine.holding8081()
        _ = machine.handle(.addressChanged(Self.moved), at: .seconds(5))
        #expect(machine.handle(Machine.conflict, at: .seconds(5) + .milliseconds(10)) == [Self.request(8082)])
        #expect(machine.mapping == nil)
    }

    @Test("the same address, or not registered: nothing to do, and a later start maps the new address")
    func nothingToMove() {
        var machine = Machine.holding8081()
        #expect(machine.handle(.addressChanged("198.51.100.11"), at: .seconds(5)) == [])
        var idle = Registration(configuration: Machine.configuration)
        #expect(idle.handle(.addressChanged(Self.moved), at: .zero) == [])
        #expect(idle.handle(.start, at: .seconds(1)) == [.queryExternalAddress, Self.request(8080)])
    }

    @Test("claiming with its own port kept: that port is given back, the claim goes on from the new address")
    func whileClaiming() {
        var machine = Machine.holding8081(Machine.keepingOwnPort)
        _ = machine.handle(.claimFixedPort(predecessor: nil), at: .seconds(1))
        #expect(machine.activeClaim != nil)
        let actions = machine.handle(.addressChanged(Self.moved), at: .seconds(1) + .milliseconds(10))
        #expect(actions == [.giveBack(externalPort: 8081, holder: "198.51.100.11"), Self.request(8080)])
        #expect(machine.mapping == nil && machine.activeClaim != nil)
    }

    @Test("a member's record carries the new address in a notice, though its port stays the same")
    func noticeCarriesAddress() {
        var node = CameraNode(
            registration: Machine.configuration, election: .init(id: "a", inquiryInterval: .seconds(1), missed: 2),
            policy: FirstComePolicy(),
            me: CameraRecord(name: "cam1", internalAddress: "198.51.100.11", internalPort: 8080, externalPort: nil, serverValue: "a"),
            at: .zero)
        _ = node.handle(.start, at: .zero)
        _ = node.handle(.backend(Machine.conflict), at: .zero)
        _ = node.handle(.backend(Machine.granted(8081)), at: .zero)
        let actions = node.handle(.addressChanged(Self.moved), at: .seconds(1))
        #expect(actions.contains(.send(.notice)))
        #expect(actions.contains(.backend(Self.request(8081))))
        #expect(node.election.me.internalAddress == Self.moved && node.election.me.externalPort == 8081)
    }

    /// A settled site of three in virtual time; the member `index` then moves.
    static func settledSite(secure: Bool) -> SiteSimulation {
        var settings = SiteSimulation.Settings()
        settings.secureRouter = secure
        settings.keepOwnPort = true
        var site = SiteSimulation(settings: settings, policy: PortOrderPolicy(step: .milliseconds(300)), seed: 7)
        site.boot(within: .seconds(1))
        site.run(until: .seconds(10))
        return site
    }

    @Test("a member moves: within a renewal interval its port forwards to the new address, listed there once",
          arguments: [true, false])
    func memberMoves(secure: Bool) throws {
        var site = Self.settledSite(secure: secure)
        #expect(site.settledProblem() == nil, "\(site.settledProblem() ?? "")")
        let representative = try #require(site.cameras.indices.first { site.cameras[$0].node.election.role == .representative })
        let member = try #require(site.cameras.indices.first { $0 != representative })
        let old = site.cameras[member].address
        site.move(member, to: "198.51.100.31")
        // Renewal interval: half the 20 s lease. The table read is the representative's, once an interval.
        site.run(until: site.now + .seconds(1))
        site.readTable(by: representative)
        let port = try #require(site.cameras[member].node.registration.mapping?.externalPort)
        #expect(site.router[port]?.owner == "198.51.100.31")
        // In secure mode the old mapping is still there (the router refused its deletion from the new address).
        #expect(site.router.values.contains { $0.owner == old } == secure)
        let listed = site.cameras[representative].node.directory().filter { $0.name == site.cameras[member].id }
        #expect(listed.map(\.internalAddress) == ["198.51.100.31"])
        #expect(listed.map(\.externalPort) == [port])
        site.run(until: site.now + .seconds(10))
        site.readTable(by: representative)
        #expect(site.settledProblem() == nil, "\(site.settledProblem() ?? "")")
    }

    @Test("the representative moves: the site settles with one representative, listing every camera at its address",
          arguments: [true, false])
    func representativeMoves(secure: Bool) throws {
        var site = Self.settledSite(secure: secure)
        let representative = try #require(site.cameras.indices.first { site.cameras[$0].node.election.role == .representative })
        site.move(representative, to: "198.51.100.32")
        site.run(until: site.now + .seconds(20))
        let now = try #require(site.cameras.indices.first { site.cameras[$0].node.election.role == .representative })
        site.readTable(by: now)
        #expect(site.settledProblem() == nil, "\(site.settledProblem() ?? "")\n\(site.log.suffix(30).joined(separator: "\n"))")
        #expect(site.cameras[now].node.directory().contains { $0.internalAddress == "198.51.100.32" })
    }
}
