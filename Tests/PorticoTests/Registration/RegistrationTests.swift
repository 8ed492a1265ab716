import PorticoCore
import Testing

/// The registration state machine in virtual time: events and instants in, actions out.
@Suite("Registration state machine")
struct RegistrationTests {
    static let configuration = Registration.Configuration(
        fixedPort: 8080, ports: PortRange(8081, 8083), lease: .seconds(60),
        internalAddress: "198.51.100.11", internalPort: 8080, description: "portico:cam1")

    static func request(_ port: Int, lease: Duration = .seconds(60)) -> Registration.Action {
        .map(PortMappingRequest(externalPort: port, internalAddress: "198.51.100.11", internalPort: 8080,
                                lease: lease, description: "portico:cam1"))
    }

    static func granted(_ port: Int, lease: Duration = .seconds(60)) -> Registration.Event {
        .mapped(PortMapping(externalPort: port, internalAddress: "198.51.100.11", internalPort: 8080,
                            lease: lease, description: "portico:cam1"))
    }

    /// Started, refused the fixed port (another camera holds it), granted 8081: where
    /// most cameras of a site stand.
    static func holding8081(_ configuration: Registration.Configuration = configuration) -> Registration {
        var machine = Registration(configuration: configuration)
        _ = machine.handle(.start, at: .zero)
        _ = machine.handle(conflict, at: .zero)
        _ = machine.handle(granted(8081), at: .zero)
        return machine
    }

    /// A router that keeps several mappings per host (UPnP): a claimant keeps its own port.
    static var keepingOwnPort: Registration.Configuration {
        var configuration = configuration
        configuration.keepsOwnPort = true
        return configuration
    }

    static let conflict = Registration.Event.mapFailed(MappingError(.conflict, routerCode: 718, message: "ConflictInMappingEntry"))

    @Test("the fixed port first; granted: holds it, URL known, renewal a third of its lease after the request, before the address")
    func fixedPort() {
        var machine = Registration(configuration: Self.configuration)
        #expect(machine.handle(.start, at: .zero) == [.queryExternalAddress, Self.request(8080)])
        #expect(machine.handle(.externalAddress("93.184.216.34"), at: .milliseconds(10)) == [])
        #expect(machine.handle(Self.granted(8080), at: .milliseconds(20)) == [])
        #expect(machine.phase == .mapped)
        #expect(machine.holdsFixedPort)
        #expect(machine.status.externalURL == "http://93.184.216.34:8080/")
        #expect(machine.status.behindAnotherNAT == false)
        #expect(machine.advance(to: .seconds(19)) == [])
        #expect(machine.advance(to: .seconds(20) + .milliseconds(20)) == [Self.request(8080), .queryExternalAddress])
        // Answered a second late: the next renewal is a third of the lease after the
        // request (which the router's lease runs from), not after the answer.
        #expect(machine.handle(Self.granted(8080), at: .seconds(21)) == [])
        #expect(machine.wakeup == .seconds(40) + .milliseconds(20))
    }

    @Test("renamed: nothing is asked at once; the next renewal carries portico:<new name>")
    func renamedAtRenewal() {
        var machine = Self.holding8081()
        #expect(machine.handle(.renamed(description: MappingDescription.of(camera: "porch")), at: .seconds(1)) == [])
        let renewal = machine.advance(to: .seconds(31))
        #expect(renewal.contains(.map(PortMappingRequest(
            externalPort: 8081, internalAddress: "198.51.100.11", internalPort: 8080, lease: .seconds(60), description: "portico:porch"))),
            "\(renewal)")
        #expect(machine.configuration.description == "portico:porch")
    }

    @Test("renamed where the router keeps descriptions: the mapping is given back and asked again at once under the new one")
    func renamedRemapped() {
        var configuration = Self.configuration
        configuration.describesMappings = true
        var machine = Self.holding8081(configuration)
        let porch = PortMappingRequest(
            externalPort: 8081, internalAddress: "198.51.100.11", internalPort: 8080, lease: .seconds(60), description: "portico:porch")
        #expect(machine.handle(.renamed(description: "portico:porch"), at: .seconds(1))
                == [.giveBack(externalPort: 8081, holder: "198.51.100.11"), .map(porch)])
        #expect(machine.handle(.mapped(PortMapping(externalPort: 8081, internalAddress: "198.51.100.11", internalPort: 8080,
                                                   lease: .seconds(60), description: "portico:porch")), at: .seconds(1)) == [])
        #expect(machine.phase == .mapped && machine.mapping?.externalPort == 8081)
        #expect(machine.handle(.renamed(description: "portico:porch"), at: .seconds(2)) == [], "the same name again: nothing")
        #expect(machine.advance(to: .seconds(3)) == [])

        // Renamed while a renewal is out: made again once it is answered.
        _ = machine.advance(to: .seconds(31))
        #expect(machine.phase == .requesting)
        #expect(machine.handle(.renamed(description: "portico:gate"), at: .seconds(31)) == [])
        _ = machine.handle(.mapped(PortMapping(externalPort: 8081, internalAddress: "198.51.100.11", internalPort: 8080,
                                              lease: .seconds(60), description: "portico:porch")), at: .seconds(31))
        let again = machine.advance(to: .seconds(31) + .milliseconds(20))
        #expect(again.first == .giveBack(externalPort: 8081, holder: "198.51.100.11"))
        #expect(again.contains { if case .map(let request) = $0 { request.description == "portico:gate" } else { false } }, "\(again)")
    }

    @Test("conflict on the fixed port: the next port of the range, and so on")
    func conflictWalksTheRange() {
        var machine = Registration(configuration: Self.configuration)
        _ = machine.handle(.start, at: .zero)
        #expect(machine.handle(Self.conflict, at: .milliseconds(5)) == [Self.request(8081)])
        #expect(machine.handle(Self.conflict, at: .milliseconds(10)) == [Self.request(8082)])
        #expect(machine.handle(Self.granted(8082), at: .milliseconds(15)) == [])
        #expect(!machine.holdsFixedPort)
        #expect(machine.status.externalPort == 8082)
        #expect(machine.status.lastError == nil)
    }

    @Test("range exhausted: pause, then the fixed port again, backing off")
    func rangeExhausted() {
        var machine = Registration(configuration: Self.configuration)
        _ = machine.handle(.start, at: .zero)
        for port in [8081, 8082, 8083] {
            #expect(machine.handle(Self.conflict, at: .zero) == [Self.request(port)])
        }
        #expect(machine.handle(Self.conflict, at: .zero) == [])
        #expect(machine.phase == .waiting)
        #expect(machine.wakeup == .seconds(2))
        #expect(machine.advance(to: .seconds(1)) == [])
        #expect(machine.advance(to: .seconds(2)) == [Self.request(8080)], "a retry does not ask for the address again")
        // A router that keeps failing is asked less and less often, up to the maximum.
        let unreachable = Registration.Event.mapFailed(MappingError(.unreachable, message: "no answer"))
        var now = Duration.seconds(2)
        var delays: [Duration] = []
        for _ in 0..<8 {
            _ = machine.handle(unreachable, at: now)
            delays.append(machine.wakeup! - now)
            now = machine.wakeup!
            _ = machine.advance(to: now)
        }
        #expect(delays == [.seconds(4), .seconds(8), .seconds(16), .seconds(32), .seconds(60), .seconds(60), .seconds(60), .seconds(60)])
    }

    @Test("725: only permanent leases, so ask again with lease 0 and refresh it now and then")
    func onlyPermanentLeases() {
        var machine = Registration(configuration: Self.configuration)
        _ = machine.handle(.start, at: .zero)
        let refused = Registration.Event.mapFailed(MappingError(.onlyPermanentLeases, routerCode: 725, message: "OnlyPermanentLeasesSupported"))
        #expect(machine.handle(refused, at: .zero) == [Self.request(8080, lease: .zero)])
        #expect(machine.handle(Self.granted(8080, lease: .zero), at: .zero) == [])
        #expect(machine.wakeup == .seconds(300))
        #expect(machine.advance(to: .seconds(300)) == [Self.request(8080, lease: .zero), .queryExternalAddress])
    }

    @Test("lost mapping: a failed renewal keeps retrying, the lease runs out, the mapping is dropped, then regained")
    func lostMapping() {
        var machine = Self.holding8081()
        _ = machine.advance(to: .seconds(30))
        let unreachable = Registration.Event.mapFailed(MappingError(.unreachable, message: "no answer"))
        #expect(machine.handle(unreachable, at: .seconds(31)) == [])
        #expect(machine.status.externalPort == 8081, "kept while its lease lasts")
        var now = Duration.seconds(31)
        while now < .seconds(61) {
            now = machine.wakeup!
            if machine.advance(to: now).isEmpty == false { _ = machine.handle(unreachable, at: now) }
        }
        _ = machine.advance(to: .seconds(61))
        #expect(machine.status.externalPort == nil, "gone once the lease ran out")
        #expect(machine.status.lastError == "no answer")
        now = machine.wakeup!
        #expect(machine.advance(to: now) == [Self.request(8081)])
        _ = machine.handle(Self.granted(8081), at: now)
        #expect(machine.status.externalPort == 8081)
    }

    @Test("router reboot: the port we had is asked for again at once")
    func routerReboot() {
        var machine = Self.holding8081()
        #expect(machine.handle(.routerRestarted, at: .seconds(3)) == [.queryExternalAddress, Self.request(8081)])
        _ = machine.handle(Self.granted(8081), at: .seconds(3))
        #expect(machine.status.externalPort == 8081)
        #expect(machine.wakeup == .seconds(33))
    }

    @Test("losing the fixed port on renewal: drop it and walk the range")
    func fixedPortTakenOnRenewal() {
        var machine = Registration(configuration: Self.configuration)
        _ = machine.handle(.start, at: .zero)
        _ = machine.handle(Self.granted(8080), at: .zero)
        _ = machine.advance(to: .seconds(30))
        #expect(machine.handle(Self.conflict, at: .seconds(30)) == [Self.request(8081)])
        #expect(!machine.holdsFixedPort)
        #expect(machine.status.externalPort == nil)
    }

    @Test("NAT-PMP's silently different port is given back and the range walked")
    func grantedAnotherPort() {
        var machine = Registration(configuration: Self.configuration)
        _ = machine.handle(.start, at: .zero)
        #expect(machine.handle(Self.granted(52431), at: .zero) == [.unmap(externalPort: 52431), Self.request(8081)])
        #expect(machine.handle(Self.granted(8081), at: .zero) == [])
        #expect(machine.status.externalPort == 8081)
    }

    @Test("a silently different port inside the range is kept: it is one the profile allows")
    func grantedAnotherPortInRange() {
        var machine = Registration(configuration: Self.configuration)
        _ = machine.handle(.start, at: .zero)
        #expect(machine.handle(Self.granted(8082), at: .zero) == [])
        #expect(machine.status.externalPort == 8082)
        #expect(!machine.holdsFixedPort)
        #expect(machine.wakeup == .seconds(30))
    }

    @Test("claiming after a bye: own port first; refused, the predecessor's mapping is taken over at once; retried until its lease lapses")
    func claimFixedPort() {
        var configuration = Self.configuration
        configuration.fixedLease = .seconds(3)
        var machine = Self.holding8081(configuration)
        #expect(machine.handle(.claimFixedPort(predecessor: "198.51.100.13", predecessorLeft: true), at: .seconds(10)) == [
            .unmap(externalPort: 8081), Self.request(8080, lease: .seconds(3)),
        ])
        // NAT-PMP: the predecessor's mapping is still there, so another port is handed out.
        #expect(machine.handle(Self.granted(8083), at: .seconds(10)) == [.unmap(externalPort: 8083)])
        #expect(machine.phase == .waiting && machine.wakeup == .seconds(10), "the takeover is due at once")
        #expect(machine.advance(to: .seconds(10)) == [
            .takeOver(externalPort: 8080, from: "198.51.100.13"), Self.request(8080, lease: .seconds(3)),
        ])
        #expect(machine.handle(Self.conflict, at: .seconds(10)) == [])
        #expect(machine.wakeup == .seconds(10) + .milliseconds(500))
        #expect(machine.advance(to: .seconds(10) + .milliseconds(500)) == [Self.request(8080, lease: .seconds(3))])
        #expect(machine.handle(Self.conflict, at: .seconds(11)) == [])
        _ = machine.advance(to: .seconds(12))
        #expect(machine.handle(Self.granted(8080, lease: .seconds(3)), at: .seconds(12)) == [])
        #expect(machine.holdsFixedPort && machine.claimDeadline == nil)
        #expect(machine.wakeup == .seconds(13), "the fixed port's short lease is renewed at a third")
    }

    @Test("claiming after silence: the predecessor may still be there, so nothing is asked until a refutation could have come; then its mapping is taken over first")
    func claimAfterSilence() {
        var configuration = Self.configuration
        configuration.fixedLease = .seconds(3)
        var machine = Self.holding8081(configuration)
        #expect(machine.handle(.claimFixedPort(predecessor: "198.51.100.13"), at: .seconds(10)) == [.unmap(externalPort: 8081)])
        #expect(machine.wakeup == .seconds(10) + .milliseconds(50))
        #expect(machine.advance(to: .seconds(10) + .milliseconds(49)) == [])
        #expect(machine.advance(to: .seconds(10) + .milliseconds(50)) == [
            .takeOver(externalPort: 8080, from: "198.51.100.13"), Self.request(8080, lease: .seconds(3)),
        ])
        // Taken over once only; later attempts just ask.
        #expect(machine.handle(Self.conflict, at: .seconds(10) + .milliseconds(300)) == [])
        #expect(machine.advance(to: .seconds(10) + .milliseconds(800)) == [Self.request(8080, lease: .seconds(3))])
    }

    @Test("where the camera can hold two ports, a claimant keeps its own port, and keeps it beside the fixed one once it has that")
    func claimKeepingOwnPort() {
        let configuration = Self.keepingOwnPort
        var machine = Self.holding8081(configuration)
        #expect(machine.handle(.claimFixedPort(predecessor: "198.51.100.13", predecessorLeft: true), at: .seconds(10)) == [Self.request(8080)])
        #expect(machine.status.externalPort == 8081, "still listed on its own port meanwhile")
        #expect(machine.handle(Self.granted(8080), at: .seconds(10)) == [], "the own port is not given back")
        #expect(machine.holdsFixedPort)
        #expect(machine.held.ports == [8080, 8081] && machine.status.ownPort == 8081 && machine.status.externalPort == 8080)

        // A claim given up returns to the port it kept.
        var other = Self.holding8081(configuration)
        _ = other.handle(.claimFixedPort(predecessor: nil), at: .seconds(10))
        _ = other.handle(Self.conflict, at: .seconds(10))
        #expect(other.handle(.releaseFixedPort, at: .seconds(10) + .milliseconds(100)) == [Self.request(8081)])
        #expect(other.handle(Self.granted(8081), at: .seconds(10) + .milliseconds(150)) == [])
        #expect(other.status.externalPort == 8081)
    }

    @Test("UPnP: a claim that ended while the router granted its request keeps the fixed port, and its own beside it")
    func lateGrantKept() {
        let configuration = Self.keepingOwnPort
        var machine = Self.holding8081(configuration)
        #expect(machine.handle(.claimFixedPort(predecessor: "198.51.100.13", predecessorLeft: true), at: .seconds(10)) == [Self.request(8080)])
        // Two claims met and both backed off: back to the port it kept.
        #expect(machine.handle(.releaseFixedPort, at: .seconds(10) + .milliseconds(5)) == [Self.request(8081)])
        // The router had granted the claim's request all the same: no rival can hold the port.
        #expect(machine.handle(Self.granted(8080), at: .seconds(10) + .milliseconds(40)) == [])
        #expect(machine.holdsFixedPort && machine.phase == .mapped && machine.status.externalPort == 8080)
        #expect(machine.held.ports == [8080, 8081])
        // The answer for 8081, which comes after, changes nothing; the renewal is at a third of the lease.
        #expect(machine.handle(Self.granted(8081), at: .seconds(10) + .milliseconds(60)) == [])
        #expect(machine.holdsFixedPort)
        #expect(machine.wakeup == .seconds(10) + .milliseconds(40), "the own port asked again at once, on the fixed port's lease")

        // Refused instead: the claim's end stands, and 8081 is held again.
        var refused = Self.holding8081(configuration)
        _ = refused.handle(.claimFixedPort(predecessor: nil), at: .seconds(10))
        _ = refused.handle(.releaseFixedPort, at: .seconds(10) + .milliseconds(5))
        #expect(refused.handle(Self.conflict, at: .seconds(10) + .milliseconds(40)) == [])
        #expect(refused.handle(Self.granted(8081), at: .seconds(10) + .milliseconds(60)) == [])
        #expect(!refused.holdsFixedPort && refused.status.externalPort == 8081)
    }

    @Test("NAT-PMP: a late grant of the fixed port to a claim that ended is given back (one mapping per internal port)")
    func lateGrantGivenBackOneMappingPerPort() {
        var machine = Self.holding8081()
        _ = machine.handle(.claimFixedPort(predecessor: nil), at: .seconds(10))
        #expect(machine.handle(.releaseFixedPort, at: .seconds(10) + .milliseconds(5)) == [Self.request(8081)])
        #expect(machine.handle(Self.granted(8080), at: .seconds(10) + .milliseconds(40)) == [.unmap(externalPort: 8080)])
        #expect(!machine.holdsFixedPort)
        #expect(machine.handle(Self.granted(8081), at: .seconds(10) + .milliseconds(60)) == [])
        #expect(machine.status.externalPort == 8081)
    }

    /// 8081 held since 0 s (lease 60 s), the fixed port won at 10 s: a representative that was a member.
    static func representativeKeeping8081(_ configuration: Registration.Configuration = keepingOwnPort) -> Registration {
        var machine = holding8081(configuration)
        _ = machine.handle(.claimFixedPort(predecessor: nil), at: .seconds(10))
        _ = machine.handle(granted(8080), at: .seconds(10))
        return machine
    }

    @Test("a representative asks for its own port again on the fixed port's lease and renews both; leaving, it gives both back")
    func ownPortRenewed() {
        var machine = Self.representativeKeeping8081()
        #expect(machine.held.ports == [8080, 8081])
        #expect(machine.wakeup == .seconds(10), "the own port at once, on the fixed port's lease")
        #expect(machine.advance(to: .seconds(10)) == [Self.request(8081)])
        #expect(machine.handle(Self.granted(8081), at: .seconds(10)) == [])
        #expect(machine.wakeup == .seconds(30), "the fixed port at a third of 60 s; the own port at half of it, 40 s")
        #expect(machine.advance(to: .seconds(30)) == [Self.request(8080), .queryExternalAddress])
        #expect(machine.handle(Self.granted(8080), at: .seconds(30)) == [])
        #expect(machine.wakeup == .seconds(40))
        #expect(machine.advance(to: .seconds(40)) == [Self.request(8081)])
        // A fixed-port renewal goes out before the own port's answer: answers come back in order.
        #expect(machine.handle(Self.granted(8081), at: .seconds(40)) == [])
        #expect(machine.phase == .mapped && machine.holdsFixedPort && machine.status.ownPort == 8081)
        // The own port's renewal is under way when the camera leaves: both are given back,
        // and the grant the router sends after that too.
        #expect(machine.advance(to: .seconds(70)).contains(Self.request(8081)))
        _ = machine.handle(Self.granted(8080), at: .seconds(70))
        #expect(machine.handle(.withdraw, at: .seconds(71)) == [.unmap(externalPort: 8080), .unmap(externalPort: 8081)])
        #expect(machine.handle(Self.granted(8081), at: .seconds(71)) == [.unmap(externalPort: 8081)])
        #expect(machine.held == .nothing && machine.status.ownPort == nil)
    }

    @Test("renamed where the router keeps descriptions: a representative makes the fixed port again first, then its kept own port")
    func renamedKeepingOwnPort() {
        var configuration = Self.keepingOwnPort
        configuration.describesMappings = true
        var machine = Self.representativeKeeping8081(configuration)
        _ = machine.advance(to: .seconds(10))
        _ = machine.handle(Self.granted(8081), at: .seconds(10))
        func porch(_ port: Int, lease: Duration = .seconds(60), as description: String = "portico:porch") -> PortMappingRequest {
            PortMappingRequest(externalPort: port, internalAddress: "198.51.100.11", internalPort: 8080, lease: lease, description: description)
        }
        func granted(_ port: Int) -> Registration.Event {
            .mapped(PortMapping(externalPort: port, internalAddress: "198.51.100.11", internalPort: 8080,
                                lease: .seconds(60), description: "portico:porch"))
        }
        // 8080 is unmapped for one delete and one add, as before; the own port follows.
        #expect(machine.handle(.renamed(description: "portico:porch"), at: .seconds(11)) == [
            .giveBack(externalPort: 8080, holder: "198.51.100.11"), .map(porch(8080)),
            .giveBack(externalPort: 8081, holder: "198.51.100.11"), .map(porch(8081)),
        ])
        #expect(machine.handle(granted(8080), at: .seconds(11)) == [])
        #expect(machine.handle(granted(8081), at: .seconds(11)) == [])
        #expect(machine.holdsFixedPort && machine.held.ports == [8080, 8081] && machine.status.ownPort == 8081)
        #expect(machine.advance(to: .seconds(12)) == [], "nothing more: both carry the new name")

        // Renamed while both renewals are out: made again once they are answered (in order).
        let renewals = machine.advance(to: .seconds(41))
        #expect(renewals.contains(.map(porch(8080))) && renewals.contains(.map(porch(8081))), "\(renewals)")
        #expect(machine.handle(.renamed(description: "portico:gate"), at: .seconds(41)) == [])
        #expect(machine.handle(granted(8080), at: .seconds(41)) == [])
        #expect(machine.handle(granted(8081), at: .seconds(41)) == [])
        #expect(machine.advance(to: .seconds(41) + .milliseconds(10)) == [
            .giveBack(externalPort: 8080, holder: "198.51.100.11"), .map(porch(8080, as: "portico:gate")),
            .giveBack(externalPort: 8081, holder: "198.51.100.11"), .map(porch(8081, as: "portico:gate")),
        ])

        // Stepped down while the own port's renewal was out: the fixed port is given back
        // (not made again), and the own port, the main one now, is made again once its
        // requests are answered.
        var steppedDown = Self.representativeKeeping8081(configuration)
        _ = steppedDown.advance(to: .seconds(10))
        #expect(steppedDown.handle(.renamed(description: "portico:porch"), at: .seconds(10)) == [], "the own port's renewal is out")
        #expect(steppedDown.handle(.releaseFixedPort, at: .seconds(10))
                == [.giveBack(externalPort: 8080, holder: "198.51.100.11"), .map(porch(8081, lease: .seconds(60)))])
        #expect(steppedDown.handle(Self.granted(8081), at: .seconds(10)) == [])
        #expect(steppedDown.advance(to: .seconds(11)) == [], "the request for 8081 is still out")
        #expect(steppedDown.handle(Self.granted(8081), at: .seconds(11)) == [])
        #expect(steppedDown.held.ports == [8081])
        #expect(steppedDown.advance(to: .seconds(12))
                == [.giveBack(externalPort: 8081, holder: "198.51.100.11"), .map(porch(8081, lease: .seconds(60)))])
        #expect(steppedDown.advance(to: .seconds(13)) == [])
    }

    @Test("the kept own port takes the fixed port's short lease: a crashed representative leaves nothing mapped for long")
    func ownPortShortLease() {
        var configuration = Self.keepingOwnPort
        configuration.fixedLease = .seconds(3)
        var machine = Self.representativeKeeping8081(configuration)
        #expect(machine.held.ports == [8080, 8081])
        let asked = machine.advance(to: .seconds(10))
        #expect(asked.contains(Self.request(8081, lease: .seconds(3))), "\(asked)")
    }

    @Test("the own port's renewal: unanswered, tried again while its lease runs, then dropped; refused, let go at once")
    func ownPortLost() {
        let unreachable = Registration.Event.mapFailed(MappingError(.unreachable, message: "no answer"))
        var machine = Self.representativeKeeping8081()
        #expect(machine.advance(to: .seconds(30)) == [Self.request(8080), .queryExternalAddress, Self.request(8081)])
        _ = machine.handle(Self.granted(8080), at: .seconds(30))
        #expect(machine.handle(unreachable, at: .seconds(35)) == [])
        #expect(machine.holdsFixedPort && machine.status.ownPort == 8081, "a failed renewal keeps the port while its lease runs")
        #expect(machine.wakeup == .seconds(37), "again after retryDelay")
        var time = Duration.seconds(37)
        var ownRequests = 0
        while time <= .seconds(60) {
            for action in machine.advance(to: time) {
                if action == Self.request(8080) { _ = machine.handle(Self.granted(8080), at: time) }
                if action == Self.request(8081) {
                    ownRequests += 1
                    _ = machine.handle(unreachable, at: time)
                }
            }
            time += .milliseconds(500)
        }
        #expect(ownRequests >= 10, "tried again every few seconds, then more often")
        #expect(machine.holdsFixedPort && machine.status.ownPort == nil, "its lease ran out: the router has forgotten it")

        var refused = Self.representativeKeeping8081()
        _ = refused.advance(to: .seconds(30))
        _ = refused.handle(Self.granted(8080), at: .seconds(30))
        #expect(refused.handle(Self.conflict, at: .seconds(30)) == [])
        #expect(refused.holdsFixedPort && refused.held.ports == [8080])
    }

    @Test("stepping down returns to the own port kept; losing the fixed port on renewal too")
    func stepDownToOwnPort() {
        var machine = Self.representativeKeeping8081()
        #expect(machine.handle(.releaseFixedPort, at: .seconds(12)) == [.giveBack(externalPort: 8080, holder: "198.51.100.11"), Self.request(8081)])
        #expect(machine.status.externalPort == 8081, "listed on its own port at once")
        #expect(machine.handle(Self.granted(8081), at: .seconds(12)) == [])
        #expect(machine.held.ports == [8081] && machine.wakeup == .seconds(42))

        var lost = Self.representativeKeeping8081()
        _ = lost.advance(to: .seconds(30))
        #expect(lost.handle(Self.conflict, at: .seconds(30)) == [Self.request(8081)], "not the range from its start")
        #expect(lost.handle(Self.granted(8081), at: .seconds(30)) == [], "the own port's renewal")
        #expect(lost.handle(Self.granted(8081), at: .seconds(30)) == [], "the request after the loss")
        #expect(!lost.holdsFixedPort && lost.held.ports == [8081] && lost.phase == .mapped)
    }

    @Test("the fixed port forwards to its own internal port where one is set; the own port to the main one")
    func fixedInternalPort() {
        var configuration = Self.keepingOwnPort
        configuration.fixedInternalPort = 8090
        var machine = Self.holding8081(configuration)
        let fixed = PortMappingRequest(externalPort: 8080, internalAddress: "198.51.100.11", internalPort: 8090,
                                       lease: .seconds(60), description: "portico:cam1")
        #expect(machine.handle(.claimFixedPort(predecessor: nil), at: .seconds(10)) == [.map(fixed)], "the own port is not given back first")
        #expect(machine.handle(.mapped(PortMapping(externalPort: 8080, internalAddress: "198.51.100.11", internalPort: 8090,
                                                   lease: .seconds(60), description: "portico:cam1")), at: .seconds(10)) == [])
        #expect(machine.advance(to: .seconds(30)) == [.map(fixed), .queryExternalAddress, Self.request(8081)])

        // At boot the fixed port is taken, and NAT-PMP silently grants a port of the range to
        // the fixed port's internal port: given back, and that port asked for properly.
        var booting = Registration(configuration: configuration)
        #expect(booting.handle(.start, at: .zero) == [.queryExternalAddress, .map(fixed)])
        #expect(booting.handle(.mapped(PortMapping(externalPort: 8081, internalAddress: "198.51.100.11", internalPort: 8090,
                                                   lease: .seconds(60), description: "portico:cam1")), at: .zero)
            == [.unmap(externalPort: 8081), Self.request(8081)])
        #expect(booting.handle(Self.granted(8081), at: .zero) == [])
        #expect(booting.mapping?.internalPort == 8080)
    }

    @Test("a claim that leaves the takeover to a rival only asks for the port, after a bye and after silence")
    func forgoTakeOver() {
        var afterBye = Self.holding8081()
        #expect(afterBye.handle(.claimFixedPort(predecessor: "198.51.100.13", predecessorLeft: true), at: .seconds(10)) == [
            .unmap(externalPort: 8081), Self.request(8080),
        ])
        #expect(afterBye.handle(.forgoTakeOver, at: .seconds(10) + .milliseconds(2)) == [])
        #expect(afterBye.handle(Self.conflict, at: .seconds(10) + .milliseconds(30)) == [])
        #expect(afterBye.wakeup == .seconds(10) + .milliseconds(530), "no takeover at once: the next attempt after claimRetry")
        #expect(afterBye.advance(to: .seconds(10) + .milliseconds(530)) == [Self.request(8080)])

        var afterSilence = Self.holding8081()
        _ = afterSilence.handle(.claimFixedPort(predecessor: "198.51.100.13"), at: .seconds(10))
        #expect(afterSilence.handle(.forgoTakeOver, at: .seconds(10) + .milliseconds(2)) == [])
        #expect(afterSilence.advance(to: .seconds(10) + .milliseconds(50)) == [Self.request(8080)])
        #expect(afterSilence.handle(Self.granted(8080), at: .seconds(10) + .milliseconds(200)) == [])
        #expect(afterSilence.holdsFixedPort)
        #expect(afterSilence.handle(.forgoTakeOver, at: .seconds(11)) == [], "not claiming: nothing to forgo")
    }

    @Test("a claim refuted before the takeover was due never takes the predecessor's mapping")
    func claimRefuted() {
        var machine = Self.holding8081()
        var actions = machine.handle(.claimFixedPort(predecessor: "198.51.100.13"), at: .seconds(10))
        actions += machine.advance(to: .seconds(10) + .milliseconds(40))
        #expect(machine.handle(.releaseFixedPort, at: .seconds(10) + .milliseconds(100)) == [Self.request(8081)])
        var now = Duration.seconds(10) + .milliseconds(100)
        actions += machine.handle(Self.granted(8081), at: now)
        while now < .seconds(100) {
            now = machine.wakeup!
            actions += machine.advance(to: now)
            _ = machine.handle(Self.granted(8081), at: now)
        }
        #expect(!actions.contains(.takeOver(externalPort: 8080, from: "198.51.100.13")))
    }

    @Test("the fixed port's renewals unanswered: still held, retried soon, until one more lease has passed; a conflict ends it at once")
    func fixedPortThroughLostRenewals() {
        var configuration = Self.configuration
        configuration.fixedLease = .seconds(9)
        var machine = Registration(configuration: configuration)
        _ = machine.handle(.start, at: .zero)
        _ = machine.handle(Self.granted(8080, lease: .seconds(9)), at: .zero)
        let unreachable = Registration.Event.mapFailed(MappingError(.unreachable, message: "no answer"))
        #expect(machine.advance(to: .seconds(3)).first == Self.request(8080, lease: .seconds(9)))
        #expect(machine.handle(unreachable, at: .seconds(8)) == [])
        #expect(machine.wakeup == .seconds(8) + .milliseconds(500), "tried again soon: the lease is nearly out")
        var now = Duration.seconds(8)
        while now < .seconds(17) {
            now = machine.wakeup!
            _ = machine.advance(to: now)
            #expect(machine.holdsFixedPort, "at \(now): held through its lease and one more")
            _ = machine.handle(unreachable, at: now)
        }
        _ = machine.advance(to: .seconds(18) + .milliseconds(1))
        #expect(!machine.holdsFixedPort, "given up once another lease passed unanswered")

        var other = Registration(configuration: configuration)
        _ = other.handle(.start, at: .zero)
        _ = other.handle(Self.granted(8080, lease: .seconds(9)), at: .zero)
        _ = other.advance(to: .seconds(3))
        _ = other.handle(unreachable, at: .seconds(8))
        _ = other.advance(to: .seconds(9))
        #expect(other.holdsFixedPort)
        #expect(other.handle(Self.conflict, at: .seconds(10)) == [Self.request(8081)])
        #expect(!other.holdsFixedPort, "the router says another host has it")
    }

    @Test("answers to requests a newer one replaced change nothing; a port granted that way is given back")
    func supersededAnswers() {
        var machine = Self.holding8081()
        // A claim of the fixed port goes out, then is given up before the router answered.
        _ = machine.handle(.claimFixedPort(predecessor: nil), at: .seconds(5))
        #expect(machine.handle(.releaseFixedPort, at: .seconds(5) + .milliseconds(10)) == [Self.request(8081)])
        // The router's late answer to the claim: granted, but no longer wanted.
        #expect(machine.handle(Self.granted(8080), at: .seconds(6)) == [.unmap(externalPort: 8080)])
        #expect(!machine.holdsFixedPort && machine.phase == .requesting)
        // Then the answer to the request that counts.
        #expect(machine.handle(Self.granted(8081), at: .seconds(6)) == [])
        #expect(machine.status.externalPort == 8081 && machine.phase == .mapped)

        // A late failure of a replaced request is dropped too.
        _ = machine.handle(.claimFixedPort(predecessor: nil), at: .seconds(10))
        _ = machine.handle(.releaseFixedPort, at: .seconds(10) + .milliseconds(10))
        #expect(machine.handle(Self.conflict, at: .seconds(11)) == [])
        #expect(machine.phase == .requesting && machine.requestedPort == 8081)
        #expect(machine.handle(Self.granted(8081), at: .seconds(11)) == [])
        #expect(machine.phase == .mapped)
    }

    @Test("a claim that outlasts the predecessor's lease gives up and returns to the range")
    func claimFails() {
        var configuration = Self.configuration
        configuration.fixedLease = .seconds(4)
        var machine = Self.holding8081(configuration)
        _ = machine.handle(.claimFixedPort(predecessor: nil), at: .seconds(10))
        var now = Duration.seconds(10)
        while true {
            _ = machine.handle(Self.conflict, at: now)
            if machine.claimDeadline == nil { break }
            now = machine.wakeup!
            _ = machine.advance(to: now)
        }
        #expect(now >= .seconds(15), "kept trying past the predecessor's 4 s lease")
        #expect(machine.claimFailures == 1)
        #expect(machine.handle(Self.granted(8081), at: now) == [])
        #expect(machine.status.externalPort == 8081)
    }

    @Test("releasing the fixed port goes back to the port held before")
    func releaseFixedPort() {
        var machine = Self.holding8081()
        _ = machine.handle(.claimFixedPort(predecessor: nil), at: .seconds(1))
        _ = machine.handle(Self.granted(8080), at: .seconds(1))
        #expect(machine.handle(.releaseFixedPort, at: .seconds(2)) == [.giveBack(externalPort: 8080, holder: "198.51.100.11"), Self.request(8081)])
    }

    @Test("external address change is noticed at the next renewal")
    func addressChange() {
        var machine = Registration(configuration: Self.configuration)
        _ = machine.handle(.start, at: .zero)
        _ = machine.handle(.externalAddress("93.184.216.34"), at: .zero)
        _ = machine.handle(Self.granted(8080), at: .zero)
        #expect(machine.advance(to: .seconds(30)).last == .queryExternalAddress)
        _ = machine.handle(.externalAddress("93.184.216.99"), at: .seconds(30))
        #expect(machine.status.externalURL == "http://93.184.216.99:8080/")
        #expect(machine.status.addressChanges == 1)
    }

    @Test("a short fixed-port lease; renewed every second, the address asked only every addressRefresh")
    func shortFixedLeaseRenewals() {
        var configuration = Self.configuration
        configuration.fixedLease = .seconds(3)
        var machine = Registration(configuration: configuration)
        _ = machine.handle(.start, at: .zero)
        _ = machine.handle(Self.granted(8080, lease: .seconds(3)), at: .zero)
        var addressQuestions = 0
        var renewals = 0
        var now = Duration.zero
        while now < .seconds(30) {
            now = machine.wakeup!
            for action in machine.advance(to: now) {
                if action == .queryExternalAddress { addressQuestions += 1 }
                if action == Self.request(8080, lease: .seconds(3)) { renewals += 1 }
            }
            _ = machine.handle(Self.granted(8080, lease: .seconds(3)), at: now)
        }
        #expect(renewals == 30, "renewed at a third of 3 s")
        #expect(addressQuestions == 3, "every 10 s, not with every renewal")
    }

    @Test("with a lease shorter than 20 s the address is asked every renewal interval of that lease")
    func addressRefreshFollowsAShortLease() {
        var configuration = Registration.Configuration(
            fixedPort: 8080, ports: PortRange(8081, 8083), lease: .seconds(10),
            internalAddress: "198.51.100.11", internalPort: 8080, description: "portico:cam1")
        configuration.fixedLease = .seconds(3)
        #expect(configuration.addressRefresh == .seconds(5))
        var machine = Registration(configuration: configuration)
        _ = machine.handle(.start, at: .zero)
        _ = machine.handle(Self.granted(8080, lease: .seconds(3)), at: .zero)
        var asked: [Duration] = []
        var now = Duration.zero
        while now < .seconds(30) {
            now = machine.wakeup!
            if machine.advance(to: now).contains(.queryExternalAddress) { asked.append(now) }
            _ = machine.handle(Self.granted(8080, lease: .seconds(3)), at: now)
        }
        #expect(asked.count == 6, "every 5 s in 30 s: \(asked)")
        #expect(zip(asked, asked.dropFirst()).allSatisfy { $1 - $0 <= .seconds(6) })
    }

    @Test("the fixed port's lease stays short until a takeover deletes a predecessor's mapping, and is short again after a refusal")
    func fixedLeaseFollowsTheRouter() {
        var configuration = Self.keepingOwnPort
        configuration.fixedLease = .seconds(3)
        configuration.fixedLeaseWhereDeletable = .seconds(10)
        var machine = Self.holding8081(configuration)
        #expect(machine.fixedLease == .seconds(3), "not knowing counts as refusing")
        _ = machine.handle(.claimFixedPort(predecessor: "198.51.100.13"), at: .seconds(10))
        #expect(machine.advance(to: .seconds(10) + .milliseconds(50)) == [
            .takeOver(externalPort: 8080, from: "198.51.100.13"), Self.request(8080, lease: .seconds(3)),
        ])
        #expect(machine.handle(.tookOver, at: .seconds(10) + .milliseconds(60)) == [])
        #expect(machine.fixedLease == .seconds(10))
        _ = machine.handle(Self.granted(8080, lease: .seconds(3)), at: .seconds(10) + .milliseconds(70))
        #expect(machine.advance(to: .seconds(11) + .milliseconds(70)).first == Self.request(8080, lease: .seconds(10)),
                "the renewal asks for the longer lease")
        #expect(machine.handle(.takeOverRefused(leaseLeft: .seconds(2)), at: .seconds(12)) == [])
        #expect(machine.fixedLease == .seconds(3))
    }

    @Test("a refused takeover: asked again from a second before the router said the mapping lapses, then often; the claim lasts that long")
    func refusedTakeOverWaitsForTheLease() {
        var configuration = Self.keepingOwnPort
        configuration.fixedLease = .seconds(3)
        configuration.fixedLeaseWhereDeletable = .seconds(3)
        var machine = Self.holding8081(configuration)
        _ = machine.handle(.claimFixedPort(predecessor: "198.51.100.13"), at: .seconds(10))
        _ = machine.advance(to: .seconds(10) + .milliseconds(50))
        // A predecessor whose lease was long (it had seen deletes work): 7 s left, in whole seconds.
        #expect(machine.handle(.takeOverRefused(leaseLeft: .seconds(7)), at: .seconds(10) + .milliseconds(60)) == [])
        #expect(machine.handle(Self.conflict, at: .seconds(10) + .milliseconds(70)) == [])
        #expect(machine.wakeup == .seconds(16) + .milliseconds(60), "not every claim retry meanwhile")
        #expect(machine.advance(to: .seconds(16) + .milliseconds(60)) == [Self.request(8080, lease: .seconds(3))])
        // Still there: again soon, past the 4.5 s a 3 s lease alone would allow the claim.
        #expect(machine.handle(Self.conflict, at: .seconds(16) + .milliseconds(100)) == [])
        #expect(machine.activeClaim != nil && machine.wakeup == .seconds(16) + .milliseconds(250))
        _ = machine.advance(to: .seconds(16) + .milliseconds(250))
        #expect(machine.handle(Self.granted(8080, lease: .seconds(3)), at: .seconds(16) + .milliseconds(300)) == [])
        #expect(machine.holdsFixedPort && machine.claimFailures == 0 && machine.status.ownPort == 8081)

        // NAT-PMP cannot say when: often from the refusal on.
        var natpmp = Self.holding8081(configuration)
        _ = natpmp.handle(.claimFixedPort(predecessor: "198.51.100.13"), at: .seconds(10))
        _ = natpmp.advance(to: .seconds(10) + .milliseconds(50))
        _ = natpmp.handle(.takeOverRefused(leaseLeft: nil), at: .seconds(10) + .milliseconds(50))
        _ = natpmp.handle(Self.conflict, at: .seconds(10) + .milliseconds(100))
        #expect(natpmp.wakeup == .seconds(10) + .milliseconds(250))
    }

    @Test("double NAT: a private, CGNAT or reserved external address is flagged", arguments: [
        ("192.168.1.1", ExternalAddress.Kind.private), ("10.0.0.1", .private), ("172.20.0.1", .private),
        ("100.64.3.2", .sharedCGNAT), ("203.0.113.10", .reserved), ("0.0.0.0", .reserved), ("8.8.8.8", .public),
        ("not an address", .invalid),
    ])
    func doubleNAT(address: String, kind: ExternalAddress.Kind) {
        var machine = Registration(configuration: Self.configuration)
        _ = machine.handle(.start, at: .zero)
        _ = machine.handle(.externalAddress(address), at: .zero)
        _ = machine.handle(Self.granted(8080), at: .zero)
        #expect(machine.status.addressKind == kind)
        #expect(machine.status.behindAnotherNAT == (kind != .public))
    }

    @Test("withdraw gives the port back; the switch starts again from the fixed port")
    func withdraw() {
        var machine = Self.holding8081()
        #expect(machine.handle(.withdraw, at: .seconds(5)) == [.unmap(externalPort: 8081)])
        #expect(machine.phase == .idle && machine.status.externalPort == nil)
        #expect(machine.advance(to: .seconds(100)) == [])
        #expect(machine.handle(.start, at: .seconds(100)) == [.queryExternalAddress, Self.request(8080)])
    }

    @Test("replies that arrive when nothing was asked change nothing")
    func strayReplies() {
        var machine = Registration(configuration: Self.configuration)
        #expect(machine.handle(Self.granted(8080), at: .zero) == [])
        #expect(machine.handle(Self.conflict, at: .zero) == [])
        #expect(machine.handle(.routerRestarted, at: .zero) == [])
        #expect(machine.phase == .idle && machine.mapping == nil)
    }
}
