/// Observations counted into fixed buckets, as a Prometheus histogram is exposed:
/// constant memory however many frames or exchanges are recorded, and a scraper can
/// compute any quantile it likes over any window from two scrapes.
///
/// Durations are kept in seconds, Prometheus's base unit.
package struct Histogram: Sendable, Equatable {
    /// Upper bounds, ascending; the `+Inf` bucket is implied.
    package let bounds: [Double]
    /// Observations at or below each bound (not cumulative; the exposition adds them up).
    package private(set) var counts: [UInt64]
    package private(set) var sum: Double = 0
    package private(set) var count: UInt64 = 0

    package init(bounds: [Double]) {
        self.bounds = bounds
        counts = Array(repeating: 0, count: bounds.count)
    }

    package mutating func record(_ value: Double) {
        guard value.isFinite else { return }
        if let bucket = bounds.firstIndex(where: { value <= $0 }) { counts[bucket] &+= 1 }
        sum += value
        count &+= 1
    }

    package mutating func record(_ duration: Duration) { record(duration.secondsValue) }

    /// Encoding one frame: from a millisecond for a small frame on a fast board to a
    /// quarter second for a large one on a slow board.
    package static let encodeSeconds = Histogram(bounds: [0.001, 0.0025, 0.005, 0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64])

    /// One question to the router: a few milliseconds on a quiet LAN up to the profile's
    /// timeout (seconds) when it does not answer.
    package static let exchangeSeconds = Histogram(bounds: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10])
}
