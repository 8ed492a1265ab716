/// Events per second over a short sliding window, in constant memory.
struct RateMeter: Sendable {
    private var stamps: [ContinuousClock.Instant] = []
    private var next = 0
    static let capacity = 128
    static let window: Duration = .seconds(2)

    mutating func record(_ instant: ContinuousClock.Instant) {
        if stamps.count < Self.capacity {
            stamps.append(instant)
        } else {
            stamps[next] = instant
            next = (next + 1) % Self.capacity
        }
    }

    func perSecond(at now: ContinuousClock.Instant) -> Double {
        let recent = stamps.filter { now - $0 <= Self.window }
        guard recent.count >= 2, let first = recent.min(), let last = recent.max(), last > first else { return 0 }
        let span = last - first
        let seconds = Double(span.components.seconds) + Double(span.components.attoseconds) / 1e18
        return Double(recent.count - 1) / seconds
    }
}
