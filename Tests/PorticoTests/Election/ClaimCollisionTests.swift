import FirstComePolicy
import PortOrderPolicy
import PorticoCore
import RandomBackoffPolicy
import Testing

/// Two claims in one term, in virtual time: who yields, and how soon the site has a
/// claimant again.
@Suite("Claim collisions")
struct ClaimCollisionTests {
    typealias Sticky = ElectionFixtures

    /// A member that followed cam1 and heard its bye at 1.5 s.
    static func member(_ name: String, port: Int, policy: any ElectionPolicy) -> Election {
        var member = Election(configuration: .init(id: name, inquiryInterval: .seconds(1), missed: 2), policy: policy,
                              me: Sticky.record(name, port: port), at: .zero)
        _ = member.handle(.message(Sticky.message(.inquiry, from: "cam1", term: 1, port: 8080)), at: .seconds(1))
        _ = member.handle(.message(Sticky.message(.bye, from: "cam1", term: 1, port: 8080)), at: .milliseconds(1500))
        return member
    }

    /// Advances a millisecond at a time from `start` to `limit`; when it first claimed.
    static func claimTime(_ member: inout Election, from start: Duration, until limit: Duration) -> Duration? {
        var now = start
        while now <= limit {
            if member.advance(to: now).contains(.claimFixedPort) { return now }
            now += .milliseconds(1)
        }
        return nil
    }

    static func ms(_ value: Int64) -> Duration { .milliseconds(value) }

    @Test("random-backoff: both claimants back off at once over the doubled window; the first to claim again leads, the other follows")
    func bothBackOff() {
        // Each draws 50 ms from the first window (0...200 ms), then its own delay from the
        // doubled one (0...400 ms). A draw from any other window would be 10 s: no claim in time.
        var cam2 = Self.member("cam2", port: 8081, policy: RandomBackoffPolicy(window: Self.ms(200)) { range in
            range.upperBound == 200 ? 50 : range.upperBound == 400 ? 100 : 10_000 })
        var cam3 = Self.member("cam3", port: 8082, policy: RandomBackoffPolicy(window: Self.ms(200)) { range in
            range.upperBound == 200 ? 50 : range.upperBound == 400 ? 300 : 10_000 })
        #expect(Self.claimTime(&cam2, from: Self.ms(1500), until: Self.ms(2000)) == Self.ms(1550))
        #expect(Self.claimTime(&cam3, from: Self.ms(1500), until: Self.ms(2000)) == Self.ms(1550))
        #expect(cam2.term == 2 && cam3.term == 2)

        // Each hears the other's claim in the same term: both yield and give the port up.
        #expect(cam2.handle(.message(Sticky.message(.claim, from: "cam3", term: 2, port: 8082)), at: Self.ms(1551)) == [.releaseFixedPort])
        #expect(cam3.handle(.message(Sticky.message(.claim, from: "cam2", term: 2, port: 8081)), at: Self.ms(1551)) == [.releaseFixedPort])
        #expect(cam2.role == .member && cam3.role == .member)

        // The next round comes after the drawn delay, not after the 2 s silence limit.
        #expect(Self.claimTime(&cam2, from: Self.ms(1552), until: Self.ms(3000)) == Self.ms(1651))
        #expect(cam2.term == 3)
        _ = cam3.advance(to: Self.ms(1651))
        #expect(cam3.handle(.message(Sticky.message(.claim, from: "cam2", term: 3, port: 8081)), at: Self.ms(1652)).isEmpty)
        #expect(Self.claimTime(&cam3, from: Self.ms(1653), until: Self.ms(3000)) == nil, "cam3 claimed again over cam2's claim")
        #expect(cam2.handle(.fixedPortHeld, at: Self.ms(1700)) == [.send(.rotated)])
        _ = cam3.handle(.message(Sticky.message(.rotated, from: "cam2", term: 3, port: 8080)), at: Self.ms(1701))
        #expect(cam3.representative == "cam2" && cam3.role == .member)
    }

    @Test("first-come: neither yields, the router decides; only the first by id may delete the predecessor's mapping")
    func oneDeleter() {
        var cam2 = Self.member("cam2", port: 8081, policy: FirstComePolicy())
        var cam3 = Self.member("cam3", port: 8082, policy: FirstComePolicy())
        #expect(cam2.role == .claiming && cam3.role == .claiming)
        #expect(cam2.handle(.message(Sticky.message(.claim, from: "cam3", term: 2, port: 8082)), at: Self.ms(1501)).isEmpty)
        #expect(cam3.handle(.message(Sticky.message(.claim, from: "cam2", term: 2, port: 8081)), at: Self.ms(1501)) == [.forgoTakeOver])
        #expect(cam2.role == .claiming && cam3.role == .claiming)
    }

    @Test("port-order: only the later camera yields, and it waits for the other's rotated instead of claiming again")
    func oneYields() {
        var cam2 = Self.member("cam2", port: 8081, policy: PortOrderPolicy(step: Self.ms(300)))
        var cam3 = Self.member("cam3", port: 8082, policy: PortOrderPolicy(step: Self.ms(300)))
        // Neither has heard the other, so neither knows it is behind: both claimed on the bye.
        #expect(cam2.role == .claiming && cam3.role == .claiming && cam2.term == 2 && cam3.term == 2)
        #expect(cam2.handle(.message(Sticky.message(.claim, from: "cam3", term: 2, port: 8082)), at: Self.ms(1501)).isEmpty)
        #expect(cam3.handle(.message(Sticky.message(.claim, from: "cam2", term: 2, port: 8081)), at: Self.ms(1501)) == [.releaseFixedPort])
        #expect(cam2.role == .claiming && cam3.role == .member)
        #expect(Self.claimTime(&cam3, from: Self.ms(1502), until: Self.ms(3400)) == nil)
    }

    @Test("random-backoff: a claimant that backed off but whose request the router granted is the representative; the other follows")
    func lateGrantAfterBackingOff() {
        let me = Sticky.record("cam2", port: 8081)
        var cam2 = CameraNode(
            registration: .init(fixedPort: 8080, ports: PortRange(8081, 8089), lease: .seconds(60), internalAddress: me.internalAddress,
                                internalPort: 8080, description: "portico:cam2", fixedLease: .seconds(10), keepsOwnPort: true),
            election: .init(id: "cam2", inquiryInterval: .seconds(1), missed: 2),
            policy: RandomBackoffPolicy(window: Self.ms(100)) { range in range.upperBound == 100 ? 50 : 150 },
            me: me, at: .zero)
        _ = cam2.handle(.start, at: .zero)
        _ = cam2.handle(.backend(.mapFailed(MappingError(.conflict, routerCode: 718, message: "ConflictInMappingEntry"))), at: .zero)
        _ = cam2.handle(.backend(.mapped(PortMapping(externalPort: 8081, internalAddress: me.internalAddress, internalPort: 8080,
                                                      lease: .seconds(60), description: "portico:cam2"))), at: .zero)
        _ = cam2.handle(.message(Sticky.message(.inquiry, from: "cam1", term: 1, port: 8080)), at: .seconds(1))
        _ = cam2.handle(.message(Sticky.message(.bye, from: "cam1", term: 1, port: 8080)), at: Self.ms(1500))
        let claim = cam2.advance(to: Self.ms(1550))
        #expect(claim.contains(.send(.claim)) && cam2.election.role == .claiming)

        // cam3 drew the same: both back off, and cam2 goes back to its own port.
        let backOff = cam2.handle(.message(Sticky.message(.claim, from: "cam3", term: 2, port: 8082)), at: Self.ms(1551))
        #expect(cam2.election.role == .member && !backOff.contains(.send(.rotated)))

        // The router had granted cam2's request before the back-off: cam2 holds the port, so it leads.
        let granted = cam2.handle(.backend(.mapped(PortMapping(externalPort: 8080, internalAddress: me.internalAddress, internalPort: 8080,
                                                               lease: .seconds(10), description: "portico:cam2"))), at: Self.ms(1580))
        #expect(granted.contains(.send(.rotated)))
        #expect(!granted.contains(.backend(.giveBack(externalPort: 8081, holder: me.internalAddress))), "its own port kept beside 8080")
        #expect(cam2.registration.held.ports == [8080, 8081])
        #expect(cam2.election.role == .representative && cam2.election.term == 3 && cam2.registration.holdsFixedPort)

        // cam3, backing off, follows the rotated and claims no more.
        var cam3 = Self.member("cam3", port: 8082, policy: RandomBackoffPolicy(window: Self.ms(100)) { range in range.upperBound == 100 ? 50 : 150 })
        _ = Self.claimTime(&cam3, from: Self.ms(1500), until: Self.ms(1550))
        _ = cam3.handle(.message(Sticky.message(.claim, from: "cam2", term: 2, port: 8081)), at: Self.ms(1551))
        _ = cam3.handle(.message(Sticky.message(.rotated, from: "cam2", term: 3, port: 8080)), at: Self.ms(1581))
        #expect(cam3.representative == "cam2" && cam3.role == .member)
        #expect(Self.claimTime(&cam3, from: Self.ms(1582), until: Self.ms(2500)) == nil, "a claim before its inquiries could have gone missing")
    }
}
