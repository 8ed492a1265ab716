import PorticoCore
import Testing

@testable import UPnPMapping

/// Which requests the UPnP backend hurries: a renewal with seconds of its lease left is
/// not on any failover's path; anything else is.
@Suite("Granted leases")
struct GrantedLeasesTests {
    static func request(port: Int = 8081, address: String = "198.51.100.11", lease: Duration = .seconds(10)) -> PortMappingRequest {
        PortMappingRequest(externalPort: port, internalAddress: address, internalPort: 8080, lease: lease, description: "portico:porch")
    }

    @Test("a renewal halfway into a lease is not hurried; one within a second of its end, counting the router's rounding, is")
    func timeToSpare() {
        var leases = GrantedLeases()
        let start = ContinuousClock.now
        leases.granted(Self.request(), generation: 0, askedAt: start)
        #expect(leases.renewsWithTimeToSpare(Self.request(), generation: 0, at: start + .seconds(5)))
        // 10 s asked, up to 1 s lost to whole seconds: 9 s; less than 1 s left from 8 s on.
        #expect(!leases.renewsWithTimeToSpare(Self.request(), generation: 0, at: start + .seconds(8)))
    }

    @Test("the fixed port's 3 s lease renewed at a third is always hurried")
    func fixedPort() {
        var leases = GrantedLeases()
        let start = ContinuousClock.now
        let fixed = Self.request(port: 8080, lease: .seconds(3))
        leases.granted(fixed, generation: 0, askedAt: start)
        #expect(!leases.renewsWithTimeToSpare(fixed, generation: 0, at: start + .seconds(1)))
    }

    @Test("a port not granted, given up, to another address, or granted before the router restarted is hurried")
    func notARenewal() {
        var leases = GrantedLeases()
        let start = ContinuousClock.now
        let later = start + .seconds(1)
        #expect(!leases.renewsWithTimeToSpare(Self.request(), generation: 0, at: later))
        leases.granted(Self.request(), generation: 0, askedAt: start)
        #expect(!leases.renewsWithTimeToSpare(Self.request(address: "198.51.100.12"), generation: 0, at: later))
        #expect(!leases.renewsWithTimeToSpare(Self.request(), generation: 1, at: later))
        leases.removed(8081)
        #expect(!leases.renewsWithTimeToSpare(Self.request(), generation: 0, at: later))
    }

    @Test("a permanent mapping's renewal is never hurried; lapsed grants leave the table")
    func permanentAndLapsed() {
        var leases = GrantedLeases()
        let start = ContinuousClock.now
        leases.granted(Self.request(port: 8082, lease: .zero), generation: 0, askedAt: start)
        leases.granted(Self.request(port: 8083, lease: .seconds(3)), generation: 0, askedAt: start)
        #expect(leases.renewsWithTimeToSpare(Self.request(port: 8082, lease: .zero), generation: 0, at: start + .seconds(86_400)))
        leases.granted(Self.request(port: 8081), generation: 0, askedAt: start + .seconds(5))
        #expect(leases.count == 2)
    }
}
