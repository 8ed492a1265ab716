import Synchronization

/// One `/stream` connection as the hub sees it: what it was sent and what it missed.
///
/// A slow client skips frames by design (it gets the newest, never a queue); counting
/// the skips per client tells a slow viewer from a camera that delivers too few frames.
package final class StreamClient: Sendable {
    package let id: Int
    package let connected: ContinuousClock.Instant

    private struct State {
        var delivered: UInt64 = 0
        var skipped: UInt64 = 0
        var lastSequence: UInt64 = 0
        var rate = RateMeter()
    }

    private let state = Mutex(State())

    init(id: Int, connected: ContinuousClock.Instant = .now) {
        self.id = id
        self.connected = connected
    }

    /// Called once the frame's bytes were handed to the connection.
    package func delivered(_ frame: Frame, at now: ContinuousClock.Instant = .now) {
        state.withLock { state in
            if state.lastSequence > 0, frame.sequence > state.lastSequence + 1 {
                state.skipped += frame.sequence - state.lastSequence - 1
            }
            state.lastSequence = frame.sequence
            state.delivered += 1
            state.rate.record(now)
        }
    }

    package func statistics(at now: ContinuousClock.Instant = .now) -> Statistics {
        state.withLock { state in
            Statistics(
                id: id, deliveredFps: state.rate.perSecond(at: now), delivered: state.delivered,
                skipped: state.skipped, connectedFor: now - connected)
        }
    }

    package struct Statistics: Sendable, Equatable {
        package var id: Int
        /// Over the last few seconds.
        package var deliveredFps: Double
        package var delivered: UInt64
        /// Frames published while this client was connected that it never got.
        package var skipped: UInt64
        package var connectedFor: Duration
    }
}

extension Duration {
    /// Seconds as a floating-point number, for rates and reports.
    package var secondsValue: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
