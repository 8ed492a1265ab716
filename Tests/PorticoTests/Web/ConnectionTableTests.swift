@testable import PorticoCore
import Testing

@Suite("The web server's connection table")
struct ConnectionTableTests {
    static let limits = ConnectionLimits(perClient: 3, total: 5, headerTimeout: .seconds(5), idleTimeout: .seconds(10))

    @Test("a client at its cap loses its oldest idle connection, and only its own")
    func perClientShedsOldestIdle() {
        var table = ConnectionTable<String>(limits: Self.limits)
        #expect(table.open(1, client: "b", at: .seconds(0)) == .admitted(shedding: nil))
        for id in 2...4 { #expect(table.open(UInt64(id), client: "a", at: .seconds(id)) == .admitted(shedding: nil)) }
        // Connection 2 is the oldest of a's, but a request on it makes 3 the oldest idle.
        table.bytesArrived(2, at: .seconds(5))
        #expect(table.open(5, client: "a", at: .seconds(6)) == .admitted(shedding: 3))
        #expect(table.count(of: "a") == 3 && table.count(of: "b") == 1 && table.connections[3] == nil)
        // Idle since 2 s counts from its first byte at 5 s: 4 (idle since 4 s) goes next.
        #expect(table.open(6, client: "a", at: .seconds(7)) == .admitted(shedding: 4))
    }

    @Test("connections answering a request are never shed; with nothing else in the way the new one is refused")
    func answeringIsNotShed() {
        var table = ConnectionTable<String>(limits: Self.limits)
        for id in 1...3 {
            #expect(table.open(UInt64(id), client: "a", at: .seconds(id)) == .admitted(shedding: nil))
            table.headReceived(UInt64(id), at: .seconds(id))
            table.bodyEnded(UInt64(id), at: .seconds(id))
        }
        #expect(table.open(4, client: "a", at: .seconds(9)) == .refused)
        #expect(table.count(of: "a") == 3)
        // The first stream ends: its connection is idle again, and the first to go.
        table.responseEnded(1, at: .seconds(10))
        #expect(table.open(4, client: "a", at: .seconds(11)) == .admitted(shedding: 1))
    }

    @Test("at the total cap the oldest idle connection of any client makes way")
    func totalShedsOldestIdleAnywhere() {
        var table = ConnectionTable<String>(limits: Self.limits)
        _ = table.open(1, client: "a", at: .seconds(1))
        table.headReceived(1, at: .seconds(1))  // reading its body: busy
        _ = table.open(2, client: "b", at: .seconds(2))
        _ = table.open(3, client: "c", at: .seconds(3))
        _ = table.open(4, client: "d", at: .seconds(4))
        _ = table.open(5, client: "e", at: .seconds(5))
        #expect(table.count == 5)
        #expect(table.open(6, client: "f", at: .seconds(6)) == .admitted(shedding: 2))
        #expect(table.count == 5 && table.count(of: "b") == 0)
    }

    @Test("deadlines: idle, first byte to headers, none while answering, idle again after the response")
    func deadlines() {
        var table = ConnectionTable<String>(limits: Self.limits)
        _ = table.open(1, client: "a", at: .seconds(100))
        #expect(table.deadline(of: 1) == .seconds(110))
        #expect(!table.isExpired(1, at: .seconds(109)) && table.isExpired(1, at: .seconds(110)))
        table.bytesArrived(1, at: .seconds(103))
        #expect(table.deadline(of: 1) == .seconds(108), "headers due 5 s after their first byte")
        table.bytesArrived(1, at: .seconds(104))
        #expect(table.deadline(of: 1) == .seconds(108), "more bytes do not extend it")
        table.headReceived(1, at: .seconds(105))
        #expect(table.deadline(of: 1) == .seconds(110), "the body is due within the header time of the head")
        table.bodyEnded(1, at: .seconds(105))
        #expect(table.deadline(of: 1) == nil)
        #expect(!table.isExpired(1, at: .seconds(10_000)), "a stream plays as long as it likes")
        // A pipelined second request: idle only after both answers.
        table.headReceived(1, at: .seconds(106))
        table.bodyEnded(1, at: .seconds(106))
        table.responseEnded(1, at: .seconds(200))
        #expect(table.deadline(of: 1) == nil)
        table.responseEnded(1, at: .seconds(201))
        #expect(table.deadline(of: 1) == .seconds(211))
        // Answered before its body came (a refusal): idle once the body is in.
        table.headReceived(1, at: .seconds(300))
        table.responseEnded(1, at: .seconds(301))
        #expect(table.deadline(of: 1) == .seconds(305))
        table.bodyEnded(1, at: .seconds(302))
        #expect(table.deadline(of: 1) == .seconds(312))
        table.close(1)
        #expect(table.deadline(of: 1) == nil && table.count == 0 && table.count(of: "a") == 0)
        table.close(1)
        table.bytesArrived(7, at: .seconds(1))
        #expect(table.count == 0, "unknown ids change nothing")
    }

    @Test("2000 idle connections from one address hold at most its share; another client's stream stays")
    func flood() {
        var table = ConnectionTable<String>(limits: ConnectionLimits())
        _ = table.open(0, client: "viewer", at: .zero)
        table.headReceived(0, at: .zero)
        table.bodyEnded(0, at: .zero)
        var shed = 0
        for id in 1...2000 {
            switch table.open(UInt64(id), client: "attacker", at: .milliseconds(id)) {
            case .admitted(let victim?):
                #expect(victim != 0)
                shed += 1
            case .admitted(nil): break
            case .refused: Issue.record("an idle connection was in the way")
            }
        }
        #expect(table.count(of: "attacker") == ConnectionLimits().perClient)
        #expect(shed == 2000 - ConnectionLimits().perClient)
        #expect(table.connections[0] != nil)
        #expect(table.open(5000, client: "other", at: .seconds(3)) == .admitted(shedding: nil))
    }
}
