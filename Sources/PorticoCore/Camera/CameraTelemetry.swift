import Synchronization

/// What a camera source tells `/state` about itself, whatever the hardware: how many
/// frames it gets, how many it encodes, how long encoding takes, what it throws away,
/// and whether it has a picture at all.
///
/// Written by the source's threads, read on request; every call is a short lock, so
/// a capture loop can afford one per frame.
package final class CameraTelemetry: Sendable {
    private struct State {
        var captured = RateMeter()
        var encoded = RateMeter()
        var capturedTotal: UInt64 = 0
        var encodedTotal: UInt64 = 0
        var dropped: UInt64 = 0
        var encodeTimes = DurationWindow()
        var encodeHistogram = Histogram.encodeSeconds
        var encoderThreads = 0
        var signal = CameraSignal.starting
    }

    private let state = Mutex(State())

    package init() {}

    /// A frame arrived from the hardware (or was painted, for a generated source).
    package func recordCapture(at now: ContinuousClock.Instant = .now) {
        state.withLock { state in
            state.captured.record(now)
            state.capturedTotal += 1
        }
    }

    /// A frame left the encoder (or was passed through already compressed), after `duration` of work.
    package func recordEncode(taking duration: Duration, at now: ContinuousClock.Instant = .now) {
        state.withLock { state in
            state.encoded.record(now)
            state.encodedTotal += 1
            state.encodeTimes.record(duration, at: now)
            state.encodeHistogram.record(duration)
        }
    }

    /// Frames the source received or should have received and never published: the
    /// encoders were all busy, a newer frame overtook it, or the driver skipped it.
    package func recordDropped(_ count: Int = 1) {
        guard count > 0 else { return }
        state.withLock { $0.dropped += UInt64(count) }
    }

    /// How many encoder threads the source runs now.
    package func setEncoderThreads(_ count: Int) {
        state.withLock { $0.encoderThreads = count }
    }

    package func setSignal(_ signal: CameraSignal) {
        state.withLock { $0.signal = signal }
    }

    package var signal: CameraSignal { state.withLock { $0.signal } }

    package var snapshot: Snapshot {
        let now = ContinuousClock.now
        return state.withLock { state in
            Snapshot(
                capturedFps: state.captured.perSecond(at: now), encodedFps: state.encoded.perSecond(at: now),
                captured: state.capturedTotal, encoded: state.encodedTotal, dropped: state.dropped,
                encodeMilliseconds: state.encodeTimes.averageMilliseconds(at: now),
                encoderThreads: state.encoderThreads, signal: state.signal, encodeSeconds: state.encodeHistogram)
        }
    }

    package struct Snapshot: Sendable, Equatable {
        /// Over the last few seconds.
        package var capturedFps: Double
        package var encodedFps: Double
        /// Since start.
        package var captured: UInt64
        package var encoded: UInt64
        package var dropped: UInt64
        /// Mean over the last few seconds; zero when nothing was encoded lately.
        package var encodeMilliseconds: Double
        package var encoderThreads: Int
        package var signal: CameraSignal
        /// Every encode since start, for `/metrics`.
        package var encodeSeconds: Histogram
    }
}

/// Whether the source has a picture, and if not, why: what a person looking at a
/// "NO SIGNAL" frame needs to know to fix it.
package enum CameraSignal: Sendable, Equatable {
    /// Every `name`, for `/metrics`.
    package static let names = ["starting", "live", "no-signal"]

    /// Not yet opened.
    case starting
    /// Frames flow; the detail says from what (device, format), for `/state`.
    case live(String)
    /// No picture; the reason says why and what the source is doing about it.
    case lost(String)

    package var name: String {
        switch self {
        case .starting: "starting"
        case .live: "live"
        case .lost: "no-signal"
        }
    }

    package var detail: String {
        switch self {
        case .starting: "the camera has not been opened yet"
        case .live(let detail), .lost(let detail): detail
        }
    }
}

/// Durations over a short sliding window, in constant memory.
struct DurationWindow: Sendable {
    private var samples: [(at: ContinuousClock.Instant, duration: Duration)] = []
    private var next = 0

    mutating func record(_ duration: Duration, at instant: ContinuousClock.Instant) {
        if samples.count < RateMeter.capacity {
            samples.append((instant, duration))
        } else {
            samples[next] = (instant, duration)
            next = (next + 1) % RateMeter.capacity
        }
    }

    func averageMilliseconds(at now: ContinuousClock.Instant) -> Double {
        var total: Duration = .zero
        var count = 0
        for sample in samples where now - sample.at <= RateMeter.window {
            total += sample.duration
            count += 1
        }
        guard count > 0 else { return 0 }
        let (seconds, attoseconds) = total.components
        return (Double(seconds) * 1000 + Double(attoseconds) / 1e15) / Double(count)
    }
}
