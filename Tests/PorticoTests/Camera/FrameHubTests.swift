import NIOCore
import PorticoCore
import PorticoTestSupport
import Synchronization
import Testing

@Suite("Frame hub")
struct FrameHubTests {
    static func frame(_ hub: FrameHub, _ index: Int) -> Frame {
        hub.publish(jpeg: ByteBuffer(string: "frame \(index)"), size: FrameSize(width: 2, height: 2), timestamp: Double(index))
    }

    @Test("50 readers get every frame while one subscriber never reads; old frames are freed")
    func readersAndStalledClient() async throws {
        let hub = FrameHub()
        let readers = 50
        let frames = 200
        // Weak references to every frame published: a frame nobody is sending must be gone.
        let published = Mutex<[WeakFrame]>([])

        try await withThrowingTaskGroup(of: [UInt64].self) { group in
            for _ in 0..<readers {
                group.addTask {
                    try await hub.withClient {
                        var seen: [UInt64] = []
                        var last: UInt64 = 0
                        while let frame = await hub.next(after: last) {
                            seen.append(frame.sequence)
                            last = frame.sequence
                        }
                        return seen
                    }
                }
            }
            // The stalled client: connected, counted, and never asks for a frame.
            group.addTask {
                try await hub.withClient {
                    try await Task.sleep(for: .seconds(3600))
                    return []
                }
            }

            for index in 1...frames {
                // Publish when every reader is parked waiting, as a camera's next frame
                // arrives long after a fast client has sent the last one.
                try await waitUntil { hub.statistics.waiting == readers }
                let frame = Self.frame(hub, index)
                published.withLock { $0.append(WeakFrame(frame)) }
            }
            try await waitUntil { hub.statistics.waiting == readers }
            #expect(hub.statistics.clients == readers + 1)

            // Only the newest frame is held; every older one was freed although the
            // stalled client never read it.
            let alive = published.withLock { $0.filter { $0.frame != nil }.count }
            #expect(alive == 1)

            hub.close()
            var results: [[UInt64]] = []
            for _ in 0..<readers {
                if let seen = try await group.next() { results.append(seen) }
            }
            group.cancelAll()
            #expect(results.count == readers)
            for seen in results {
                #expect(seen == Array(1...UInt64(frames)))
            }
        }
        #expect(hub.statistics.clients == 0)
    }

    @Test("a slow reader skips to the newest frame instead of queueing")
    func slowReaderSkips() async {
        let hub = FrameHub()
        for index in 1...10 { Self.frame(hub, index) }
        let frame = await hub.next(after: 3)
        #expect(frame?.sequence == 10)
    }

    @Test("a waiting reader is released by cancellation and by close")
    func cancellationAndClose() async throws {
        let hub = FrameHub()
        let waiting = Task { await hub.next(after: 0) }
        try await waitUntil { hub.statistics.waiting == 1 }
        waiting.cancel()
        #expect(await waiting.value == nil)
        #expect(hub.statistics.waiting == 0)

        let second = Task { await hub.next(after: 0) }
        try await waitUntil { hub.statistics.waiting == 1 }
        hub.close()
        #expect(await second.value == nil)
        #expect(await hub.next(after: 0) == nil)
    }

    @Test("the first frame is waited for, up to a limit")
    func firstFrame() async throws {
        let hub = FrameHub()
        #expect(await hub.firstFrame(within: .milliseconds(50)) == nil)
        let later = Task { await hub.firstFrame(within: .seconds(10)) }
        try await waitUntil { hub.statistics.waiting == 1 }
        Self.frame(hub, 1)
        #expect(await later.value?.sequence == 1)
    }
}

extension FrameHubTests {
    @Test("watched while a stream client or a wait for a frame is there; fresh takes a recent frame or waits for the next")
    func watchedAndFresh() async throws {
        let hub = FrameHub()
        #expect(!hub.isWatched)
        let stream = Task { await hub.withClient { try? await Task.sleep(for: .seconds(10)) } }
        try await waitUntil { hub.isWatched }
        stream.cancel()
        try await waitUntil { !hub.isWatched }
        Self.frame(hub, 1)
        #expect(await hub.fresh(maximumAge: .seconds(5), within: .seconds(5))?.sequence == 1, "recent enough: at once")
        let waiting = Task { await hub.fresh(maximumAge: .zero, within: .seconds(10)) }
        try await waitUntil { hub.isWatched }
        Self.frame(hub, 2)
        #expect(await waiting.value?.sequence == 2, "too old: the next one")
        #expect(await hub.fresh(maximumAge: .zero, within: .milliseconds(50))?.sequence == 2, "none came: the newest there is")
        #expect(!hub.isWatched)
    }

    @Test("idle slowdown: a frame a second while nobody watches, every frame once watched, nothing held back when off")
    func idleSlowdown() {
        let start = ContinuousClock.now
        var slowdown = IdleSlowdown(enabled: true)
        let admitted = (0..<100).filter { slowdown.admit(at: start + .milliseconds($0 * 40), watched: false) }
        #expect(admitted == [0, 25, 50, 75], "25 fps captured, 1 fps published")
        #expect((100..<110).allSatisfy { slowdown.admit(at: start + .milliseconds($0 * 40), watched: true) })
        #expect(slowdown.nextDue(fullRate: start + .seconds(5), watched: true) == start + .seconds(5))
        #expect(slowdown.nextDue(fullRate: start + .milliseconds(4400), watched: false) == start + .milliseconds(5360))
        var off = IdleSlowdown(enabled: false)
        #expect((0..<100).allSatisfy { off.admit(at: start + .milliseconds($0 * 40), watched: false) })
    }
}

struct WeakFrame: @unchecked Sendable {
    weak var frame: Frame?
    init(_ frame: Frame) { self.frame = frame }
}

/// Polls `condition` every millisecond, failing after `limit`.
func waitUntil(_ limit: Duration = .seconds(10), _ condition: () -> Bool) async throws {
    let deadline = ContinuousClock.now + limit
    while !condition() {
        guard ContinuousClock.now < deadline else { throw TestFailure("condition not met within \(limit)") }
        try await Task.sleep(for: .milliseconds(1))
    }
}
