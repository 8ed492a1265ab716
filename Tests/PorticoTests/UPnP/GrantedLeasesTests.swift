import PorticoCore
import Testing

@testable import UPnPMapping

/// How urgent the UPnP backend takes a request: a renewal with seconds of its lease left
/// waits for nothing soon, the fixed port's renewal for its lease's end a second or so
/// away, and anything else may be a failover's.
@Suite("Granted leases")
struct GrantedLeasesTests {
    static func request(port: Int = 8081, address: String = "198.51.100.11", lease: Duration = .seconds(10)) -> PortMappingRequest {
        PortMappingRequest(externalPort: port, internalAddress: address, internalPort: 8080, lease: lease, description: "portico:porch")
    }

    @Test("a renewal halfway into a lease waits for nothing soon; within a second of its end, counting the router's rounding, for that end")
    func timeToSpare() {
        var leases = GrantedLeases()
        let start = ContinuousClock.now
        leases.granted(Self.request(), generation: 0, askedAt: start)
        #expect(leases.urgency(of: Self.request(), generation: 0, at: start + .seconds(5)) == .nothingSoon)
        // 10 s asked, up to 1 s lost to whole seconds: 9 s; less than 1 s left from 8 s on.
        #expect(leases.urgency(of: Self.request(), generation: 0, at: start + .milliseconds(8_500)) == .leaseEnd)
        #expect(leases.urgency(of: Self.request(), generation: 0, at: start + .seconds(9)) == .failover)
    }

    @Test("the fixed port's 3 s lease, renewed a third into it, is renewed before its end")
    func fixedPort() {
        var leases = GrantedLeases()
        let start = ContinuousClock.now
        let fixed = Self.request(port: 8080, lease: .seconds(3))
        leases.granted(fixed, generation: 0, askedAt: start)
        #expect(leases.urgency(of: fixed, generation: 0, at: start + .seconds(1) + .milliseconds(50)) == .leaseEnd)
    }

    @Test("a port not granted, given up, to another address, or granted before the router restarted is a failover's")
    func notARenewal() {
        var leases = GrantedLeases()
        let start = ContinuousClock.now
        let later = start + .seconds(1)
        #expect(leases.urgency(of: Self.request(), generation: 0, at: later) == .failover)
        leases.granted(Self.request(), generation: 0, askedAt: start)
        #expect(leases.urgency(of: Self.request(address: "198.51.100.12"), generation: 0, at: later) == .failover)
        #expect(leases.urgency(of: Self.request(), generation: 1, at: later) == .failover)
        leases.removed(8081)
        #expect(leases.urgency(of: Self.request(), generation: 0, at: later) == .failover)
    }

    @Test("a permanent mapping's renewal waits for nothing soon; lapsed grants leave the table")
    func permanentAndLapsed() {
        var leases = GrantedLeases()
        let start = ContinuousClock.now
        leases.granted(Self.request(port: 8082, lease: .zero), generation: 0, askedAt: start)
        leases.granted(Self.request(port: 8083, lease: .seconds(3)), generation: 0, askedAt: start)
        #expect(leases.urgency(of: Self.request(port: 8082, lease: .zero), generation: 0, at: start + .seconds(86_400)) == .nothingSoon)
        leases.granted(Self.request(port: 8081), generation: 0, askedAt: start + .seconds(5))
        #expect(leases.count == 2)
    }
}
