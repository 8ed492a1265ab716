import FirstComePolicy
import PorticoCore
import Testing

/// How a member notices that the representative is gone, in virtual time: probes after
/// all but the last missed inquiry, and the silence limit.
@Suite("Withdrawal detection")
struct WithdrawalDetectionTests {
    typealias Sticky = ElectionFixtures

    /// Steps a member through time until it claims (or `limit`), noting when it sent what.
    static func run(_ member: inout Election, until limit: Duration, answer: (Duration) -> PeerMessage? = { _ in nil })
        -> [(Duration, Election.Action)] {
        var log: [(Duration, Election.Action)] = []
        var now = Duration.seconds(1)
        while member.role == .member && now < limit {
            now = max(member.wakeup, now + .milliseconds(1))
            for action in member.advance(to: now) { log.append((now, action)) }
            if let message = answer(now) {
                for action in member.handle(.message(message), at: now) { log.append((now, action)) }
            }
        }
        return log
    }

    @Test("missed 2 at 1 s: probes at 1.05, 1.15 and 1.25 s of silence; unanswered, gone at 1.35 s, a claim at once")
    func probesUnanswered() {
        var member = Sticky.election("cam2", port: 8081)
        _ = member.handle(.message(Sticky.message(.inquiry, from: "cam1", term: 1, port: 8080)), at: .seconds(1))
        let log = Self.run(&member, until: .seconds(10))
        let probes = log.filter { $0.1 == .send(.probe) }.map { $0.0 - .seconds(1) }
        #expect(probes == [.milliseconds(1050), .milliseconds(1150), .milliseconds(1250)])
        let claim = log.first { $0.1 == .claimFixedPort }
        #expect(claim.map { $0.0 - .seconds(1) } == .milliseconds(1350))
        #expect(member.role == .claiming && member.representative == nil)
    }

    @Test("missed 3: the probes come after two missed inquiries, not one")
    func probesAfterAllButTheLast() {
        var member = Election(configuration: .init(id: "cam2", inquiryInterval: .seconds(1), missed: 3), policy: FirstComePolicy(),
                              me: Sticky.record("cam2", port: 8081), at: .zero)
        _ = member.handle(.message(Sticky.message(.inquiry, from: "cam1", term: 1, port: 8080)), at: .seconds(1))
        let log = Self.run(&member, until: .seconds(10))
        #expect(log.first { $0.1 == .send(.probe) }.map { $0.0 - .seconds(1) } == .milliseconds(2050))
        #expect(log.first { $0.1 == .claimFixedPort }.map { $0.0 - .seconds(1) } == .milliseconds(2350))
    }

    @Test("an answer to the second probe: no claim, and the next silence is probed afresh")
    func aliveAnswers() {
        var member = Sticky.election("cam2", port: 8081)
        _ = member.handle(.message(Sticky.message(.inquiry, from: "cam1", term: 1, port: 8080)), at: .seconds(1))
        var answered = false
        let log = Self.run(&member, until: .seconds(3) + .milliseconds(350)) { now in
            guard !answered, now >= .milliseconds(2150) else { return nil }
            answered = true
            return Sticky.message(.alive, from: "cam1", term: 1, port: 8080)
        }
        #expect(!log.contains { $0.1 == .claimFixedPort })
        let probes = log.filter { $0.1 == .send(.probe) && $0.0 < .milliseconds(3250) }.map(\.0)
        #expect(probes == [.milliseconds(2050), .milliseconds(2150), .milliseconds(3200)], "\(probes)")
        #expect(member.representative == "cam1")
    }

    @Test("the copies of one inquiry get one report; the next inquiry gets its own")
    func oneReportPerInquiry() {
        var member = Sticky.election("cam2", port: 8081)
        let inquiry = Sticky.message(.inquiry, from: "cam1", term: 1, port: 8080)
        var reports = 0
        for at in [Duration.seconds(1), .seconds(1) + .microseconds(40), .seconds(1) + .microseconds(90),
                   .seconds(2), .seconds(2) + .microseconds(50)] {
            reports += member.handle(.message(inquiry), at: at).filter { $0 == .send(.report) }.count
        }
        #expect(reports == 2)
    }
}
