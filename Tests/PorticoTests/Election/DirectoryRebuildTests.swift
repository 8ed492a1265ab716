import FirstComePolicy
import PorticoCore
import Testing

/// A new representative's directory is rebuilt from what the site says now: the
/// members report to its rotated at once, and a table it read in an earlier term is
/// not used again.
@Suite("Directory rebuilt after a rotation")
struct DirectoryRebuildTests {
    typealias Sticky = ElectionFixtures
    typealias Unlisted = UnlistedFixedPortTests

    @Test("a member reports to a new representative's rotated, once for its copies, though it just reported to the last one")
    func reportToRotated() {
        var member = Sticky.election("cam3", port: 8082)
        let inquiry = Sticky.message(.inquiry, from: "cam1", term: 1, port: 8080)
        #expect(member.handle(.message(inquiry), at: .seconds(1)).contains(.send(.report)))
        let rotated = Sticky.message(.rotated, from: "cam2", term: 2, port: 8080)
        var reports = 0
        for at in [Duration.seconds(1) + .milliseconds(100), .seconds(1) + .milliseconds(101)] {
            reports += member.handle(.message(rotated), at: at).filter { $0 == .send(.report) }.count
        }
        #expect(reports == 1)
        #expect(member.representative == "cam2")
        // Its first inquiry, copies an interval later, gets the next report as before.
        let next = Sticky.message(.inquiry, from: "cam2", term: 2, port: 8080)
        #expect(member.handle(.message(next), at: .seconds(2) + .milliseconds(100)).contains(.send(.report)))
    }

    @Test("a representative's alive answers a probe; it is not a rotation and gets no report")
    func noReportToAlive() {
        var member = Sticky.election("cam3", port: 8082)
        _ = member.handle(.message(Sticky.message(.inquiry, from: "cam1", term: 1, port: 8080)), at: .seconds(1))
        let alive = Sticky.message(.alive, from: "cam1", term: 1, port: 8080)
        #expect(!member.handle(.message(alive), at: .seconds(2)).contains(.send(.report)))
    }

    @Test("stepping down drops the table read as representative, and a read answered after it is not kept")
    func staleTable() {
        var node = Unlisted.representative()
        let table = [Unlisted.mapping(8080), Unlisted.mapping(8082, to: "198.51.100.13", name: "cam3")]
        // cam3 is a camera of the site that said bye but whose mapping is still there: the table alone lists it.
        _ = node.handle(.message(PeerMessage(kind: .bye, sender: "c", sequence: 1, term: 0, camera: CameraRecord(
            name: "cam3", internalAddress: "198.51.100.13", internalPort: 8080, externalPort: 8082, serverValue: "c"))), at: .zero)
        #expect(node.election.peers["c"] == nil)
        _ = node.handle(.routerTable(table), at: .seconds(1))
        #expect(node.directory().map(\.name) == ["cam1", "cam3"])
        // A representative in a higher term: this camera follows it and gives the port back.
        let other = PeerMessage(kind: .inquiry, sender: "b", sequence: 1, term: 5, camera: CameraRecord(
            name: "cam2", internalAddress: "198.51.100.12", internalPort: 8080, externalPort: 8080, serverValue: "b"))
        _ = node.handle(.message(other), at: .seconds(2))
        #expect(!node.registration.holdsFixedPort)
        #expect(node.routerTable == nil)
        #expect(!node.directory().contains { $0.name == "cam3" })
        _ = node.handle(.routerTable(table), at: .seconds(2) + .milliseconds(10))
        #expect(node.routerTable == nil)
    }
}
