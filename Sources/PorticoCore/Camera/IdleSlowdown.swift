/// With nobody watching, a camera publishes a frame a second instead of its full rate,
/// as ustreamer's `--slowdown` does: encoding is most of what a streaming board spends,
/// and a camera that nobody looks at most of the day should cost little.
///
/// A frame a second keeps `/snapshot`, the directory's thumbnails and the watchdog's
/// liveness check fed. The first viewer brings the full rate back at the next frame:
/// a source that captures at its device's pace encodes the next frame it gets, and one
/// that sleeps between frames looks at `FrameHub.isWatched` while it sleeps.
///
/// Pure: instants in, a decision out.
package struct IdleSlowdown: Sendable {
    /// Between published frames while nobody watches.
    package static let idleInterval: Duration = .seconds(1)

    package let enabled: Bool
    private var lastAdmitted: ContinuousClock.Instant?

    package init(enabled: Bool) {
        self.enabled = enabled
    }

    /// Whether a frame captured at `now` is to be encoded and published.
    package mutating func admit(at now: ContinuousClock.Instant, watched: Bool) -> Bool {
        if enabled, !watched, let last = lastAdmitted, now - last < Self.idleInterval - .milliseconds(5) { return false }
        lastAdmitted = now
        return true
    }

    /// When the next frame is due for a source that paints its own frames: `fullRate`
    /// when watched, a second after the last one otherwise.
    package func nextDue(fullRate: ContinuousClock.Instant, watched: Bool) -> ContinuousClock.Instant {
        guard enabled, !watched, let lastAdmitted else { return fullRate }
        return max(fullRate, lastAdmitted + Self.idleInterval)
    }
}
