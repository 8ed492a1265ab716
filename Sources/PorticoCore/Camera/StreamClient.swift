import Synchronization

/// One `/stream` connection as the hub sees it: what it was sent and what it missed.
///
/// A slow client skips frames by design (it gets the newest, never a queue); counting
/// the skips per client tells a slow viewer from a camera that delivers too few frames.
public final class StreamClient: Sendable {
    public let id: Int
    public let connected: ContinuousClock.Instant

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
    public func delivered(_ frame: Frame, at now: ContinuousClock.Instant = .now) {
        state.withLock { state in
            if state.lastSequence > 0, frame.sequence > state.lastSequence + 1 {
                state.skipped += frame.sequence - state.lastSequence - 1
            }
            state.lastSequence = frame.sequence
            state.delivered += 1
            state.rate.record(now)
        }
    }

    public func statistics(at now: ContinuousClock.Instant = .now) -> Statistics {
        state.withLock { state in
            Statistics(
                id: id, deliveredFps: state.rate.perSecond(at: now), delivered: state.delivered,
                skipped: state.skipped, connectedFor: now - connected)
        }
    }

    public struct Statistics: Sendable, Equatable {
        public var id: Int
        /// Over the last few seconds.
        public var deliveredFps: Double
        public var delivered: UInt64
        /// Frames published while this client was connected that it never got.
        public var skipped: UInt64
        public var connectedFor: Duration
    }
}

extension Duration {
    /// Seconds as a floating-point number, for rates and reports.
    public var secondsValue: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
