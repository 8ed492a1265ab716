import FirstComePolicy
import PorticoCore
import Testing

/// A live representative is not voted out by a camera that only missed its heartbeats:
/// it refutes the claim, and the claimant follows it again.
@Suite("A sticky representative")
struct StickyRepresentativeTests {
    @Test("a claim in a higher term: the representative keeps the fixed port, takes the term and refutes it")
    func representativeRefutes() {
        var representative = ElectionFixtures.election("cam1", port: 8080)
        #expect(representative.handle(.fixedPortHeld, at: .seconds(1)) == [.send(.rotated)])
        let term = representative.term
        let actions = representative.handle(.message(ElectionFixtures.message(.claim, from: "cam2", term: term + 1, port: 8081)), at: .seconds(5))
        #expect(actions == [.send(.inquiry)], "no releaseFixedPort")
        #expect(representative.role == .representative)
        #expect(representative.term == term + 1)
        #expect(representative.representative == "cam1")
    }

    @Test("the claimant hears the refutation in its own term: it follows the representative and gives up its claim")
    func claimantFollows() {
        var claimant = ElectionFixtures.election("cam2", port: 8081)
        _ = claimant.handle(.message(ElectionFixtures.message(.inquiry, from: "cam1", term: 1, port: 8080)), at: .seconds(1))
        // Every heartbeat and probe answer lost: the silence limit passes, it claims (first-come: at once).
        var actions: [Election.Action] = []
        var now = Duration.seconds(1)
        while claimant.role == .member && now < .seconds(10) {
            now = claimant.wakeup
            actions += claimant.advance(to: now)
        }
        #expect(claimant.role == .claiming && actions.contains(.claimFixedPort))
        #expect(claimant.predecessorAddress == "198.51.100.11" && !claimant.predecessorLeft, "only silent, not gone")
        let refutation = ElectionFixtures.message(.inquiry, from: "cam1", term: claimant.term, port: 8080)
        #expect(claimant.handle(.message(refutation), at: now + .milliseconds(20)) == [.releaseFixedPort, .send(.report)])
        #expect(claimant.role == .member && claimant.representative == "cam1")
    }

    @Test("after a bye the claimant may take the predecessor's mapping over at once")
    func byeMeansGone() {
        var member = ElectionFixtures.election("cam2", port: 8081)
        _ = member.handle(.message(ElectionFixtures.message(.inquiry, from: "cam1", term: 1, port: 8080)), at: .seconds(1))
        let actions = member.handle(.message(ElectionFixtures.message(.bye, from: "cam1", term: 1, port: 8080)), at: .seconds(2))
        #expect(actions.contains(.claimFixedPort))
        #expect(member.predecessorLeft)
    }

    @Test("a whole camera: a refuted claim never deletes the live representative's mapping")
    func nodeNeverTakesOverARefutedClaim() {
        let registration = Registration.Configuration(
            fixedPort: 8080, ports: PortRange(8081, 8089), lease: .seconds(60), internalAddress: "198.51.100.12",
            internalPort: 8080, description: "portico:cam2", fixedLease: .seconds(10))
        var node = CameraNode(registration: registration, election: .init(id: "cam2", inquiryInterval: .seconds(1), missed: 2),
                              policy: FirstComePolicy(), me: ElectionFixtures.record("cam2", port: nil), at: .zero)
        var actions = node.handle(.start, at: .zero)
        let conflict = Registration.Event.mapFailed(MappingError(.conflict, routerCode: 718, message: "ConflictInMappingEntry"))
        actions += node.handle(.backend(conflict), at: .milliseconds(10))
        actions += node.handle(.backend(.mapped(PortMapping(externalPort: 8081, internalAddress: "198.51.100.12", internalPort: 8080,
                                                             lease: .seconds(60), description: "portico:cam2"))), at: .milliseconds(20))
        actions += node.handle(.message(ElectionFixtures.message(.inquiry, from: "cam1", term: 1, port: 8080)), at: .seconds(1))
        // The representative's heartbeats are all lost; cam2 claims and is refused by the router.
        var now = Duration.seconds(1)
        while node.election.role != .claiming && now < .seconds(10) {
            now = node.wakeup
            actions += node.advance(to: now)
        }
        #expect(node.election.role == .claiming)
        actions += node.handle(.backend(conflict), at: now + .milliseconds(30))
        // The refutation arrives before the takeover was due.
        actions += node.handle(.message(ElectionFixtures.message(.inquiry, from: "cam1", term: node.election.term, port: 8080)), at: now + .milliseconds(60))
        #expect(node.election.role == .member && node.election.representative == "cam1")
        // From here its heartbeats get through.
        let term = node.election.term
        for second in 1...10 {
            let at = now + .seconds(second)
            actions += node.advance(to: at)
            actions += node.handle(.message(ElectionFixtures.message(.inquiry, from: "cam1", term: term, port: 8080)), at: at)
        }
        #expect(node.election.role == .member && node.election.term == term)
        #expect(!actions.contains { if case .backend(.takeOver) = $0 { return true } else { return false } })
    }
}

@Suite("A sticky representative, when the claim was lost")
struct LostClaimTests {
    @Test("a claimant that hears its predecessor after all gives the claim up and probes in its term; the answer is in that term")
    func claimantHearsPredecessor() {
        var claimant = ElectionFixtures.election("cam2", port: 8081)
        _ = claimant.handle(.message(ElectionFixtures.message(.inquiry, from: "cam1", term: 1, port: 8080)), at: .seconds(1))
        var now = Duration.seconds(1)
        while claimant.role == .member && now < .seconds(10) {
            now = claimant.wakeup
            _ = claimant.advance(to: now)
        }
        #expect(claimant.role == .claiming && claimant.term == 2)
        // The representative never heard the claim: its next heartbeat is still in term 1.
        let heartbeat = ElectionFixtures.message(.inquiry, from: "cam1", term: 1, port: 8080)
        #expect(claimant.handle(.message(heartbeat), at: now + .milliseconds(100)) == [.releaseFixedPort, .send(.probe)])
        #expect(claimant.role == .member)

        var representative = ElectionFixtures.election("cam1", port: 8080)
        _ = representative.handle(.fixedPortHeld, at: .seconds(1))
        let probe = ElectionFixtures.message(.probe, from: "cam2", term: 2, port: 8081)
        #expect(representative.handle(.message(probe), at: .seconds(5)) == [.send(.alive)])
        #expect(representative.term == 2 && representative.role == .representative)
        let alive = ElectionFixtures.message(.alive, from: "cam1", term: 2, port: 8080)
        _ = claimant.handle(.message(alive), at: now + .milliseconds(120))
        #expect(claimant.representative == "cam1" && claimant.term == 2)
    }
}
