import PorticoCore

/// `policy = "random-backoff"`: wait a random time, then claim; when two claims meet,
/// both back off again over a window that doubles each round, until one claims alone.
/// Needs no knowledge of the others, at the price of a random delay.
package struct RandomBackoffPolicy: ElectionPolicy {
    /// The first round's window; doubled per collision, up to 16 times it.
    package let window: Duration
    /// Draws a number of milliseconds from a range: the system's random generator, or a
    /// seeded one where a test must replay a run.
    package let draw: @Sendable (ClosedRange<Int64>) -> Int64

    package init(window: Duration, draw: @escaping @Sendable (ClosedRange<Int64>) -> Int64 = { Int64.random(in: $0) }) {
        self.window = window
        self.draw = draw
    }

    /// Its own key: `backoff`, the first window (default 100ms: a claim crosses the LAN in
    /// a millisecond, so two cameras rarely draw within one of each other, and a wider
    /// window only delays the failover. Draws that do meet, or whose claims are lost, cost
    /// little: the router grants the port to one, and two claims that meet draw again at
    /// once over a doubled window).
    package static let plugin = Plugin<ElectionSettings, any ElectionPolicy>(
        name: "random-backoff", summary: "random delay, then claim; collisions back off over a doubling window"
    ) { section, _ in
        let window = section.duration("backoff", in: .milliseconds(10) ... .seconds(60), default: .milliseconds(100))
        return window.map { RandomBackoffPolicy(window: $0) }
    }

    package func claimDelay(for candidate: ElectionCandidate, among peers: [ElectionCandidate], attempt: Int) -> Duration {
        let span = window * (1 << min(attempt, 4))
        let milliseconds = span.components.seconds * 1000 + span.components.attoseconds / 1_000_000_000_000_000
        return .milliseconds(draw(0...max(1, milliseconds)))
    }

    package func yieldsOnCollision(_ other: ElectionCandidate, over me: ElectionCandidate) -> Bool {
        true
    }
}
