import CameraImaging
import Logging
import NIOCore
import PorticoCore

/// A frame the driver filled, still in its capture buffer.
struct CapturedFrame: Sendable {
    /// The capture buffer holding it; handed back to the driver once encoded.
    let index: Int
    let bytes: Int
    /// Counts captured frames from 1 in capture order, so a frame that one encoder
    /// finishes after a newer one from another is not published out of order.
    let order: UInt64
    let timestamp: Double
}

/// Encoder threads between the capture loop and the hub.
///
/// A few frames may wait (as many capture buffers as the driver can spare), so an
/// encoder that is late by a frame or two (the scheduler ran others) loses nothing.
/// When the waiting room is full, one encoder is not enough: another thread starts, up
/// to the profile's `encoders` (a fast machine or a small picture runs one, a slow core
/// at 720p as many as it takes). When none may start, the oldest waiting frame goes back
/// to the driver, counted as dropped, so the picture stays the newest the encoders can
/// manage, never a growing queue.
final class EncoderPool: @unchecked Sendable {
    private let lock = ThreadCondition()
    // Guarded by `lock`.
    /// Oldest first; at most `backlog`.
    private var pending: [CapturedFrame] = []
    private var idle = 0
    private var threads: [DedicatedThread] = []
    private var stopping = false
    private var lastPublished: UInt64 = 0
    private var reportedFailure = false

    private let maximum: Int
    private let backlog: Int
    private let format: CaptureFormat
    private let quality: Int
    private let buffers: MappedBuffers
    private let hub: FrameHub
    private let logger: Logger

    init(maximum: Int, format: CaptureFormat, quality: Int, buffers: MappedBuffers, hub: FrameHub, logger: Logger) {
        self.maximum = maximum
        // Each encoder holds a buffer, and the driver keeps at least one to fill.
        backlog = max(1, buffers.regions.count - maximum - 1)
        self.format = format
        self.quality = quality
        self.buffers = buffers
        self.hub = hub
        self.logger = logger
    }

    /// Hands a frame to the encoders. Returns at once: the capture loop never waits
    /// for encoding.
    func submit(_ frame: CapturedFrame) {
        lock.lock()
        defer { lock.unlock() }
        // Another encoder only when the waiting room is full: one that is merely late
        // catches up by itself.
        let full = pending.count >= backlog + idle
        if threads.isEmpty || full {
            let started = idle == 0 && threads.count < maximum && !stopping && startEncoder()
            if full && !started {
                let oldest = pending.removeFirst()
                try? buffers.queue(oldest.index)
                hub.telemetry.recordDropped()
            }
        }
        pending.append(frame)
        lock.signal()
    }

    /// Starts an encoder thread; call with the lock held.
    private func startEncoder() -> Bool {
        do {
            // Counted idle from its start: it takes a waiting frame as soon as it runs.
            idle += 1
            threads.append(try DedicatedThread.start(name: "v4l2-encode-\(threads.count + 1)") { [self] in work() })
        } catch {
            idle -= 1
            logger.warning("\(error)")
            return false
        }
        hub.telemetry.setEncoderThreads(threads.count)
        if threads.count > 1 {
            logger.info("one encoder was not enough: started another", metadata: ["threads": "\(threads.count)"])
        }
        return true
    }

    /// Stops every encoder and waits for it, so no thread touches a capture buffer after.
    func shutdown() {
        lock.lock()
        stopping = true
        pending = []
        lock.broadcast()
        let all = threads
        lock.unlock()
        for thread in all { thread.join() }
        lock.lock()
        threads = []
        lock.unlock()
        hub.telemetry.setEncoderThreads(0)
    }

    private func work() {
        let encoder: FrameEncoder
        do {
            encoder = try FrameEncoder(format: format, quality: quality)
        } catch {
            lock.lock()
            idle -= 1
            lock.unlock()
            logger.error("cannot start an encoder: \(error)")
            return
        }
        lock.lock()
        while true {
            while pending.isEmpty && !stopping { lock.wait() }
            if stopping { break }
            let frame = pending.removeFirst()
            idle -= 1
            lock.unlock()

            let started = ContinuousClock.now
            let region = buffers.regions[frame.index]
            let result = Result { () throws(JPEGError) -> ByteBuffer in
                try encoder.encode(UnsafeRawBufferPointer(rebasing: region[0..<min(frame.bytes, region.count)]))
            }
            let took = ContinuousClock.now - started
            try? buffers.queue(frame.index)

            lock.lock()
            idle += 1
            switch result {
            case .success(let jpeg) where frame.order > lastPublished:
                lastPublished = frame.order
                hub.telemetry.recordEncode(taking: took)
                hub.publish(jpeg: jpeg, size: format.size, timestamp: frame.timestamp, encoding: took)
            case .success:
                hub.telemetry.recordDropped()
            case .failure(let error):
                hub.telemetry.recordDropped()
                if !reportedFailure {
                    reportedFailure = true
                    logger.warning("a frame did not encode; dropping such frames: \(error)")
                }
            }
        }
        lock.unlock()
    }
}
