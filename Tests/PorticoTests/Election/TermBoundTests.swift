import FirstComePolicy
import PorticoCore
import Testing

/// A term from a peer moves this camera's term only by a bounded step, and a term never
/// overflows: a signed message with term 2⁶⁴−1 once made every camera of a site trap at
/// its next claim.
@Suite("Bounded terms")
struct TermBoundTests {
    static func record(_ name: String, port: Int?) -> CameraRecord {
        CameraRecord(name: name, internalAddress: "198.51.100.1\(name.last!)", internalPort: 8080, externalPort: port, serverValue: name)
    }

    static func message(_ kind: PeerMessage.Kind, from name: String, term: UInt64, port: Int?) -> PeerMessage {
        PeerMessage(kind: kind, sender: name, sequence: 1, term: term, camera: record(name, port: port))
    }

    static func election(_ name: String, port: Int?) -> Election {
        Election(configuration: .init(id: name, inquiryInterval: .seconds(1), missed: 2), policy: FirstComePolicy(),
                 me: record(name, port: port), at: .zero)
    }

    /// Runs `election` until `end`, waking when it asks to; every action it took.
    static func run(_ election: inout Election, from start: Duration, until end: Duration) -> [Election.Action] {
        var actions: [Election.Action] = []
        var now = start
        for _ in 0..<10_000 where now < end {
            now = max(now, min(election.wakeup, end))
            actions += election.advance(to: now)
            if election.role == .claiming { actions += election.handle(.fixedPortHeld, at: now) }
            now += .milliseconds(1)
        }
        return actions
    }

    @Test("an inquiry, claim, probe or report with term 2^64-1 is refused; the camera goes on electing", arguments: [
        PeerMessage.Kind.inquiry, .rotated, .alive, .claim, .probe, .report, .notice,
    ])
    func largestTermRefused(kind: PeerMessage.Kind) throws {
        var member = Self.election("cam2", port: 8081)
        _ = member.handle(.message(Self.message(.inquiry, from: "cam1", term: 3, port: 8080)), at: .seconds(1))
        let hostile = Self.message(kind, from: "cam9", term: .max, port: 8089)
        #expect(throws: PeerCodecError.self) { try member.admit(hostile) }
        #expect(member.handle(.message(hostile), at: .seconds(1.5)) == [])
        #expect(member.term == 3 && member.peers["cam9"] == nil, "nothing of it is stored")
        // The representative falls silent: the member claims in term 4 and wins.
        let actions = Self.run(&member, from: .seconds(1.5), until: .seconds(10))
        #expect(actions.contains(.claimFixedPort))
        #expect(member.role == .representative && member.term == 4)

        var representative = Self.election("cam1", port: 8080)
        _ = representative.handle(.fixedPortHeld, at: .seconds(1))
        #expect(representative.handle(.message(hostile), at: .seconds(2)) == [])
        #expect(representative.term == 1 && representative.role == .representative)
    }

    @Test("a term up to the bound above this camera's is taken; one more is refused with term_jump")
    func bound() throws {
        var member = Self.election("cam2", port: 8081)
        let step = Election.maximumTermStep
        let farthest = Self.message(.inquiry, from: "cam1", term: step, port: 8080)
        try member.admit(farthest)
        _ = member.handle(.message(farthest), at: .seconds(1))
        #expect(member.term == step && member.representative == "cam1")
        let beyond = Self.message(.inquiry, from: "cam3", term: 2 * step + 1, port: 8083)
        let error = try #require(throws: PeerCodecError.self) { try member.admit(beyond) }
        #expect(error.code == .termJump)
        #expect(error.description.contains("term_jump") && error.description.contains("\(2 * step + 1)"))
        _ = member.handle(.message(beyond), at: .seconds(1.2))
        #expect(member.term == step && member.representative == "cam1")
    }
}
