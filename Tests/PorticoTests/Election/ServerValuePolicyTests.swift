import PorticoCore
import ServerValuePolicy
import Testing

/// The server-value policy: the order comes from each camera's hardware value, and the
/// waiting starts when the representative is found gone.
@Suite("Server-value policy")
struct ServerValuePolicyTests {
    static let cameras = ["b8:27:eb:00:00:01", "b8:27:eb:00:00:02", "b8:27:eb:00:00:03", "b8:27:eb:00:00:04"].enumerated().map {
        ElectionCandidate(id: "cam\($0.offset + 1)", externalPort: 8081 + $0.offset, serverValue: $0.element)
    }

    static func delays(_ policy: ServerValuePolicy, among cameras: [ElectionCandidate]) -> [Duration] {
        cameras.map { me in policy.claimDelay(for: me, among: cameras.filter { $0.id != me.id }, attempt: 0) }
    }

    @Test("the first camera by hashed value claims at once, each next one a step later")
    func firstClaimsAtOnce() {
        let policy = ServerValuePolicy(step: .milliseconds(100), slots: 16)
        #expect(Self.delays(policy, among: Self.cameras).sorted() == [.zero, .milliseconds(100), .milliseconds(200), .milliseconds(300)])
        // The same order on every camera: the one that waits least also wins a tie with any other.
        let first = Self.cameras.first { me in policy.claimDelay(for: me, among: Self.cameras.filter { $0.id != me.id }, attempt: 0) == .zero }!
        for other in Self.cameras where other.id != first.id {
            #expect(policy.yieldsOnCollision(first, over: other))
            #expect(!policy.yieldsOnCollision(other, over: first))
        }
    }

    @Test("the wait is capped at step × (slots − 1)")
    func capped() {
        let many = (0..<40).map { ElectionCandidate(id: "cam\($0)", externalPort: nil, serverValue: "serial-\($0)") }
        let policy = ServerValuePolicy(step: .milliseconds(50), slots: 4)
        #expect(Self.delays(policy, among: many).max() == .milliseconds(150))
    }

    @Test("the order does not depend on who asks, nor on the ports")
    func stableOrder() {
        let policy = ServerValuePolicy(step: .milliseconds(100), slots: 16)
        let renumbered = Self.cameras.map { ElectionCandidate(id: $0.id, externalPort: 9000 - ($0.externalPort ?? 0), serverValue: $0.serverValue) }
        #expect(Self.delays(policy, among: Self.cameras) == Self.delays(policy, among: renumbered))
    }
}
