/// Whose password may be hashed now, and how long a wrong one waits for its answer:
/// a pure value driven by attempts and a clock, so tests replay floods in virtual time.
///
/// Three limits, because a password check costs the camera real CPU:
/// - one attempt at a time per client: more at once wait and are turned away unhashed;
/// - at most `checksAtOnce` hashes anywhere, so guesses cannot take every core;
/// - a failure budget for the whole camera, refilled one failure per `budgetRefill`,
///   so new addresses buy no new guesses: once it is spent, attempts are turned away
///   unhashed until it refills, and while half of it is spent every failure waits
///   the longest delay.
/// Each client's failures are remembered (for `forgetAfter`) in a table of bounded
/// size that forgets the least recently failing client first; forgetting one gives
/// it nothing the budget does not.
struct LoginThrottle<Client: Hashable & Sendable>: Sendable {
    struct Limits: Sendable, Equatable {
        var clients = 1024
        var checksAtOnce = 2
        var failureBudget = 30
        var budgetRefill: Duration = .seconds(2)
        /// The first failure waits this long, each further one twice as long …
        var firstDelay: Duration = .milliseconds(250)
        /// … up to this.
        var longestDelay: Duration = .seconds(8)
        var forgetAfter: Duration = .seconds(600)
    }

    enum Admission: Sendable, Equatable {
        /// Hash the password; call `checked`, wait what it says, then `finished`.
        case check
        /// Not now: answer "too many attempts" after this long, without hashing.
        case turnAway(after: Duration)
    }

    private struct Failures: Sendable {
        var count: Int
        var last: Duration
    }

    let limits: Limits
    private var failures: LeastRecentlyUsed<Client, Failures>
    /// Clients with an attempt being hashed or waiting out its delay.
    private(set) var attempting: Set<Client> = []
    private(set) var hashing = 0
    /// When the failure budget is whole again (a leaky bucket kept as one instant:
    /// each failure moves it `budgetRefill` later).
    private var budgetWhole: Duration = .zero

    init(limits: Limits = Limits()) {
        self.limits = limits
        failures = LeastRecentlyUsed(capacity: limits.clients)
    }

    /// Failures the budget still has to forgive.
    func budgetSpent(at now: Duration) -> Int {
        guard budgetWhole > now else { return 0 }
        return Int(((budgetWhole - now) / limits.budgetRefill).rounded(.up))
    }

    /// Failures remembered for `client`.
    func failureCount(of client: Client, at now: Duration) -> Int {
        failures.peek(client).flatMap { now - $0.last < limits.forgetAfter ? $0.count : nil } ?? 0
    }

    var rememberedClients: Int { failures.count }

    mutating func admit(_ client: Client, at now: Duration) -> Admission {
        if attempting.contains(client) {
            return .turnAway(after: delay(failures: failureCount(of: client, at: now), at: now))
        }
        if hashing >= limits.checksAtOnce {
            return .turnAway(after: limits.firstDelay)
        }
        let over = budgetSpent(at: now) - limits.failureBudget
        if over >= 0 {
            return .turnAway(after: min(limits.budgetRefill * (over + 1), limits.longestDelay))
        }
        attempting.insert(client)
        hashing += 1
        return .check
    }

    /// The hash of an admitted attempt is done; returns how long to wait before answering.
    mutating func checked(_ client: Client, verified: Bool, at now: Duration) -> Duration {
        hashing = max(hashing - 1, 0)
        if verified {
            failures.remove(client)
            return .zero
        }
        let count = min(failureCount(of: client, at: now), 1 << 20) + 1
        failures.set(Failures(count: count, last: now), for: client)
        budgetWhole = max(budgetWhole, now) + limits.budgetRefill
        return delay(failures: count, at: now)
    }

    /// The attempt's answer is out: the client may try again.
    mutating func finished(_ client: Client) {
        attempting.remove(client)
    }

    /// 0.25 s, 0.5 s, 1 s … for a client's 1st, 2nd, 3rd failure, up to `longestDelay`;
    /// the longest for everyone while half the budget is spent.
    func delay(failures count: Int, at now: Duration) -> Duration {
        if budgetSpent(at: now) * 2 >= limits.failureBudget { return limits.longestDelay }
        let doublings = min(max(count - 1, 0), 16)
        return min(limits.firstDelay * (1 << doublings), limits.longestDelay)
    }
}
