@testable import PorticoCore
import Testing

@Suite("Password attempts: per-client back-off and the camera's failure budget")
struct LoginThrottleTests {
    /// One wrong attempt from `client` at `now`, run to its end; the delay it got, or nil when turned away.
    static func fail(_ throttle: inout LoginThrottle<String>, _ client: String, at now: Duration) -> Duration? {
        guard throttle.admit(client, at: now) == .check else { return nil }
        let delay = throttle.checked(client, verified: false, at: now)
        throttle.finished(client)
        return delay
    }

    @Test("one attempt at a time per client, and at most two hashes at once")
    func inFlight() {
        var throttle = LoginThrottle<String>()
        #expect(throttle.admit("a", at: .zero) == .check)
        #expect(throttle.admit("a", at: .zero) == .turnAway(after: .milliseconds(250)))
        #expect(throttle.admit("b", at: .zero) == .check)
        #expect(throttle.hashing == 2)
        #expect(throttle.admit("c", at: .zero) == .turnAway(after: .milliseconds(250)))
        // a's hash is done but it waits out its delay: still one attempt under way.
        #expect(throttle.checked("a", verified: false, at: .zero) == .milliseconds(250))
        #expect(throttle.admit("a", at: .zero) == .turnAway(after: .milliseconds(250)))
        #expect(throttle.admit("c", at: .zero) == .check)
        throttle.finished("a")
        #expect(throttle.attempting == ["b", "c"])
    }

    @Test("a client's failures double its delay up to 8 s; the right password clears them; they are forgotten after 10 min")
    func backoff() {
        var throttle = LoginThrottle<String>(limits: .init(failureBudget: 1000))
        var delays: [Duration] = []
        for attempt in 0..<7 { delays.append(Self.fail(&throttle, "a", at: .seconds(attempt * 10)) ?? .zero) }
        #expect(delays == [.milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2), .seconds(4), .seconds(8), .seconds(8)])
        #expect(throttle.admit("a", at: .seconds(70)) == .check)
        #expect(throttle.checked("a", verified: true, at: .seconds(70)) == .zero)
        throttle.finished("a")
        #expect(throttle.failureCount(of: "a", at: .seconds(70)) == 0)
        _ = Self.fail(&throttle, "b", at: .seconds(100))
        _ = Self.fail(&throttle, "b", at: .seconds(101))
        #expect(throttle.failureCount(of: "b", at: .seconds(700)) == 2)
        #expect(throttle.failureCount(of: "b", at: .seconds(701)) == 0)
        #expect(Self.fail(&throttle, "b", at: .seconds(701)) == .milliseconds(250))
    }

    @Test("the failure table is bounded and forgets the least recently failing client first")
    func boundedTable() {
        var throttle = LoginThrottle<String>(limits: .init(clients: 4, failureBudget: 1000))
        for _ in 0..<3 { _ = Self.fail(&throttle, "slow", at: .seconds(1)) }
        for client in ["p", "q", "r"] { _ = Self.fail(&throttle, client, at: .seconds(2)) }
        _ = Self.fail(&throttle, "slow", at: .seconds(3))
        _ = Self.fail(&throttle, "s", at: .seconds(4))  // full: p goes, not slow
        #expect(throttle.rememberedClients == 4)
        #expect(throttle.failureCount(of: "slow", at: .seconds(4)) == 4)
        #expect(throttle.failureCount(of: "p", at: .seconds(4)) == 0)
    }

    @Test("1030 other addresses failing once do not reset the one being slowed down, and buy no extra guesses")
    func churningAddresses() {
        var throttle = LoginThrottle<String>()
        for _ in 0..<6 { _ = Self.fail(&throttle, "victim", at: .zero) }
        var checked = 0
        var turnedAway = 0
        // 1030 addresses in 20 s: the budget (30, one back every 2 s) lets about 40 be hashed.
        for index in 0..<1030 {
            let now = Duration.milliseconds(index * 20)
            if Self.fail(&throttle, "churn-\(index)", at: now) != nil { checked += 1 } else { turnedAway += 1 }
        }
        #expect(checked <= 30 + 11 && checked >= 20, "\(checked) hashed")
        #expect(turnedAway == 1030 - checked)
        #expect(throttle.rememberedClients <= LoginThrottle<String>.Limits().clients)
        // The budget is spent: the slowed-down client is turned away, not back to 0.25 s.
        let now = Duration.milliseconds(1029 * 20)  // the instant of the last address's attempt
        guard case .turnAway = throttle.admit("victim", at: now) else {
            Issue.record("the victim was let through while the budget is spent")
            return
        }
        // Once it refills enough to hash again, every failure waits the longest while half is spent.
        let later = now + .seconds(6)
        #expect(throttle.budgetSpent(at: later) * 2 >= throttle.limits.failureBudget)
        #expect(Self.fail(&throttle, "fresh", at: later) == .seconds(8))
        // A quiet minute later the budget is whole and a first failure waits 0.25 s again.
        #expect(Self.fail(&throttle, "fresh-2", at: later + .seconds(90)) == .milliseconds(250))
    }

    @Test("the least-recently-used table: bounded, reading makes an entry recent, removal frees a place")
    func leastRecentlyUsed() {
        var table = LeastRecentlyUsed<String, Int>(capacity: 3)
        table.set(1, for: "a")
        table.set(2, for: "b")
        table.set(3, for: "c")
        #expect(table.value(for: "a") == 1)
        table.set(4, for: "d")
        #expect(table.count == 3 && table.peek("b") == nil && table.peek("a") == 1)
        table.set(5, for: "a")
        #expect(table.count == 3 && table.peek("a") == 5)
        table.remove("c")
        table.set(6, for: "e")
        #expect(table.count == 3 && table.peek("d") == 4)
    }
}
