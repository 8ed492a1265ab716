import NIOCore
import Synchronization

/// Hands the newest frame to every client that wants one.
///
/// The hub keeps only the newest frame. A client asks for the next frame after the
/// last one it got and receives whatever is newest then, so a slow client skips
/// frames instead of queueing them, never holds back the others, and costs at most
/// the one frame it is still sending. Nothing is copied per client.
package final class FrameHub: Sendable {
    private struct Waiter {
        var after: UInt64
        var continuation: CheckedContinuation<Frame?, Never>?
    }

    private struct State {
        var latest: Frame?
        /// When the newest frame came: a camera that stopped publishing is stuck.
        var lastPublished: ContinuousClock.Instant?
        var nextSequence: UInt64 = 1
        var waiters: [Int: Waiter] = [:]
        var nextWaiterID = 0
        var closed = false
        var clients: [Int: StreamClient] = [:]
        var nextClientID = 1
        var rate = RateMeter()
        /// Frames delivered to and skipped by the clients that have left, so the totals
        /// of `/metrics` never go down when a client leaves.
        var departed = (delivered: UInt64(0), skipped: UInt64(0))
    }

    private let state = Mutex(State())

    /// The source's own figures (capture, encode, drops, signal), kept beside the frames
    /// they describe so `/state` reads both from one place.
    package let telemetry = CameraTelemetry()

    package init() {}

    /// Publishes a newly encoded frame and wakes every client waiting for one;
    /// `encoding` is how long the encoder took, when the source knows.
    @discardableResult
    package func publish(
        jpeg: ByteBuffer, size: FrameSize, timestamp: Double, encoding: Duration = .zero, now: ContinuousClock.Instant = .now
    ) -> Frame {
        var ready: [CheckedContinuation<Frame?, Never>] = []
        let published = WallClock.now
        let frame = state.withLock { state -> Frame in
            let frame = Frame(
                sequence: state.nextSequence, jpeg: jpeg, size: size, timestamp: timestamp, encodeDuration: encoding,
                published: published)
            state.nextSequence += 1
            state.latest = frame
            state.lastPublished = now
            state.rate.record(now)
            for (id, waiter) in state.waiters where waiter.after < frame.sequence {
                if let continuation = waiter.continuation { ready.append(continuation) }
                state.waiters[id] = nil
            }
            return frame
        }
        for continuation in ready { continuation.resume(returning: frame) }
        return frame
    }

    /// The newest frame, if any was published.
    package var latest: Frame? { state.withLock { $0.latest } }

    /// When the newest frame was published; nil before the first.
    package var lastPublished: ContinuousClock.Instant? { state.withLock { $0.lastPublished } }

    /// Whether anybody wants frames now: a stream client, or a wait for the next frame (a
    /// snapshot asking for a fresh one). A camera with nobody watching may slow down.
    package var isWatched: Bool { state.withLock { !$0.clients.isEmpty || !$0.waiters.isEmpty } }

    /// How old the newest frame may be for `/snapshot` to answer with it: older than a
    /// frame interval at any rate a stream is worth watching at means the camera idles.
    package static let freshness: Duration = .milliseconds(250)

    /// A frame published at most `maximumAge` ago: the newest if it is that recent,
    /// otherwise the next one, waited for up to `timeout` (the wait itself tells an idle
    /// camera to speed up). Nil when none came in time.
    package func fresh(maximumAge: Duration, within timeout: Duration) async -> Frame? {
        let (latest, at) = state.withLock { ($0.latest, $0.lastPublished) }
        if let latest, let at, ContinuousClock.now - at <= maximumAge { return latest }
        let sequence = latest?.sequence ?? 0
        return await withTaskGroup(of: Frame?.self) { group in
            group.addTask { await self.next(after: sequence) }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return nil
            }
            let next = await group.next() ?? nil
            group.cancelAll()
            return next ?? latest
        }
    }

    /// The first frame newer than `sequence`: at once if there is one, else when it is
    /// published. Nil when the hub is closed or the calling task is cancelled.
    package func next(after sequence: UInt64) async -> Frame? {
        if let ready = state.withLock({ state -> Frame?? in
            if state.closed { return .some(nil) }
            if let latest = state.latest, latest.sequence > sequence { return .some(latest) }
            return nil
        }) {
            return ready
        }
        let id = state.withLock { state -> Int in
            let id = state.nextWaiterID
            state.nextWaiterID += 1
            state.waiters[id] = Waiter(after: sequence, continuation: nil)
            return id
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Frame?, Never>) in
                let cancelled = Task.isCancelled
                let immediate: Frame?? = state.withLock { state in
                    // Gone between registering and suspending: taken by a publish (which
                    // found no continuation to resume, so the newest frame is the answer),
                    // by close, or by cancellation.
                    guard state.waiters[id] != nil else {
                        if !cancelled, !state.closed, let latest = state.latest, latest.sequence > sequence {
                            return .some(latest)
                        }
                        return .some(nil)
                    }
                    if state.closed {
                        state.waiters[id] = nil
                        return .some(nil)
                    }
                    if let latest = state.latest, latest.sequence > sequence {
                        state.waiters[id] = nil
                        return .some(latest)
                    }
                    state.waiters[id]?.continuation = continuation
                    return nil
                }
                if let immediate { continuation.resume(returning: immediate) }
            }
        } onCancel: {
            let continuation = state.withLock { state in state.waiters.removeValue(forKey: id)?.continuation }
            continuation?.resume(returning: nil)
        }
    }

    /// Waits up to `timeout` for a first frame, for `/snapshot` right after start.
    package func firstFrame(within timeout: Duration) async -> Frame? {
        if let latest { return latest }
        return await withTaskGroup(of: Frame?.self) { group in
            group.addTask { await self.next(after: 0) }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
    }

    /// Ends every wait with nil; later waits end at once. Used when the camera stops.
    package func close() {
        let waiting = state.withLock { state in
            state.closed = true
            let continuations = state.waiters.values.compactMap(\.continuation)
            state.waiters.removeAll()
            return continuations
        }
        for continuation in waiting { continuation.resume(returning: nil) }
    }

    package var isClosed: Bool { state.withLock { $0.closed } }

    // MARK: - Clients, for /state

    /// Counts a stream client for as long as `body` runs; `body` reports each frame it
    /// sends to the `StreamClient` it is given, for the per-client figures of `/state`.
    package func withClient<T>(_ body: (StreamClient) async throws -> T) async rethrows -> T {
        let client = state.withLock { state in
            let client = StreamClient(id: state.nextClientID)
            state.nextClientID += 1
            state.clients[client.id] = client
            return client
        }
        defer {
            let last = client.statistics()
            state.withLock { state in
                state.clients[client.id] = nil
                state.departed.delivered &+= last.delivered
                state.departed.skipped &+= last.skipped
            }
        }
        return try await body(client)
    }

    /// Counts a stream client for as long as `body` runs.
    package func withClient<T>(_ body: () async throws -> T) async rethrows -> T {
        try await withClient { (_: StreamClient) in try await body() }
    }

    package var statistics: Statistics {
        let now = ContinuousClock.now
        let (statistics, clients) = state.withLock { state in
            (Statistics(
                published: (state.latest?.sequence ?? 0),
                framesPerSecond: state.rate.perSecond(at: now),
                clients: state.clients.count,
                waiting: state.waiters.count,
                clientList: [], delivered: state.departed.delivered, skipped: state.departed.skipped), Array(state.clients.values))
        }
        var result = statistics
        result.clientList = clients.map { $0.statistics(at: now) }.sorted { $0.id < $1.id }
        for client in result.clientList {
            result.delivered &+= client.delivered
            result.skipped &+= client.skipped
        }
        return result
    }

    package struct Statistics: Sendable, Equatable {
        /// Frames published since start.
        package var published: UInt64
        /// Over the last few seconds.
        package var framesPerSecond: Double
        /// Stream clients connected now.
        package var clients: Int
        /// Clients parked in `next(after:)`, waiting for the next frame.
        package var waiting: Int
        /// Each stream client, oldest first.
        package var clientList: [StreamClient.Statistics]
        /// Frames sent to and skipped by every stream client since start, those gone included.
        package var delivered: UInt64
        package var skipped: UInt64
    }
}
