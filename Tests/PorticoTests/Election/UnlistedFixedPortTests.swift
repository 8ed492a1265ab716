import FirstComePolicy
import PorticoCore
import Testing

/// The representative's table read finds the fixed port's mapping gone (a rival's late
/// takeover deleted it) or someone else's: it asks at once instead of at the renewal.
@Suite("A fixed port missing from the router's table")
struct UnlistedFixedPortTests {
    static let me = "198.51.100.11"

    static func mapping(_ port: Int, to address: String = me, name: String = "cam1") -> PortMapping {
        PortMapping(externalPort: port, internalAddress: address, internalPort: 8080, lease: .seconds(60), description: "portico:\(name)")
    }

    static func request(_ port: Int) -> CameraNode.Action {
        .backend(.map(PortMappingRequest(externalPort: port, internalAddress: me, internalPort: 8080,
                                         lease: .seconds(60), description: "portico:cam1")))
    }

    /// A camera that booted, was granted the fixed port and so is the representative.
    static func representative() -> CameraNode {
        var node = CameraNode(
            registration: .init(fixedPort: 8080, ports: PortRange(8081, 8089), lease: .seconds(60), internalAddress: me,
                                internalPort: 8080, description: "portico:cam1"),
            election: .init(id: "a", inquiryInterval: .seconds(1), missed: 2), policy: FirstComePolicy(),
            me: CameraRecord(name: "cam1", internalAddress: me, internalPort: 8080, externalPort: nil, serverValue: "a"),
            at: .zero)
        _ = node.handle(.start, at: .zero)
        _ = node.handle(.backend(.mapped(mapping(8080))), at: .zero)
        return node
    }

    @Test("listed and ours: nothing to do")
    func listed() {
        var node = Self.representative()
        #expect(node.election.role == .representative)
        #expect(node.handle(.routerTable([Self.mapping(8080), Self.mapping(8081, to: "198.51.100.12", name: "cam2")]), at: .seconds(1)) == [])
    }

    @Test("missing: asked for again at once, once; granted, the representative stays")
    func missing() {
        var node = Self.representative()
        let table = [Self.mapping(8081, to: "198.51.100.12", name: "cam2")]
        #expect(node.handle(.routerTable(table), at: .seconds(1)) == [Self.request(8080)])
        // The request is out: the next read asks nothing more.
        #expect(node.handle(.routerTable(table), at: .seconds(2)) == [])
        _ = node.handle(.backend(.mapped(Self.mapping(8080))), at: .milliseconds(2100))
        #expect(node.election.role == .representative && node.registration.holdsFixedPort)
    }

    @Test("another host's now: the router's refusal makes the representative a member on a port of the range")
    func someoneElses() {
        var node = Self.representative()
        let table = [Self.mapping(8080, to: "198.51.100.12", name: "cam2")]
        #expect(node.handle(.routerTable(table), at: .seconds(1)) == [Self.request(8080)])
        let refusal = MappingError(.conflict, message: "ConflictInMappingEntry (718)")
        let actions = node.handle(.backend(.mapFailed(refusal)), at: .milliseconds(1100))
        #expect(actions.contains(Self.request(8081)))
        #expect(!actions.contains { if case .backend(.unmap) = $0 { true } else if case .backend(.giveBack) = $0 { true } else { false } })
        #expect(node.election.role == .member && !node.registration.holdsFixedPort)
    }

    @Test("a member's table says nothing about the fixed port")
    func member() {
        var node = CameraNode(
            registration: .init(fixedPort: 8080, ports: PortRange(8081, 8089), lease: .seconds(60), internalAddress: Self.me,
                                internalPort: 8080, description: "portico:cam1"),
            election: .init(id: "a", inquiryInterval: .seconds(1), missed: 2), policy: FirstComePolicy(),
            me: CameraRecord(name: "cam1", internalAddress: Self.me, internalPort: 8080, externalPort: nil, serverValue: "a"),
            at: .zero)
        _ = node.handle(.start, at: .zero)
        _ = node.handle(.backend(.mapped(Self.mapping(8081))), at: .zero)
        #expect(node.handle(.routerTable([]), at: .seconds(1)) == [])
    }
}
