#if canImport(Glibc)
import Glibc
#endif
import CV4L2
import Logging
import PorticoCore

/// One stretch of streaming: the device opened, its format agreed, buffers mapped,
/// frames flowing into the hub, until the task stops or the device fails.
///
/// Everything it acquires is let go in `close`, in the only safe order (encoders
/// joined, streaming off, buffers unmapped, device closed), whichever way it ended,
/// so a camera that comes and goes a thousand times leaks nothing.
final class CaptureSession {
    let device: V4L2Device
    let format: CaptureFormat
    private let buffers: MappedBuffers
    private let pool: EncoderPool?
    private let passthrough: JPEGPassthrough?
    private let hub: FrameHub
    private let requestedFps: Int
    private let slowdownEnabled: Bool

    init(settings: V4L2Settings, camera: CameraSettings, hub: FrameHub, logger: Logger) throws(V4L2Error) {
        device = try V4L2Device(path: settings.device)
        let plan = try FormatNegotiation.plan(device, settings, camera)
        format = try FormatNegotiation.apply(plan, on: device, camera: camera)
        buffers = try MappedBuffers(device: device, count: settings.buffers)
        self.hub = hub
        requestedFps = camera.fps
        slowdownEnabled = camera.slowdown
        if format.encoding == .passthrough {
            do {
                passthrough = try JPEGPassthrough(size: format.size)
            } catch {
                throw V4L2Error(.failed, "cannot check JPEG frames: \(error)")
            }
            pool = nil
        } else {
            passthrough = nil
            pool = EncoderPool(
                maximum: settings.encoders, format: format, quality: camera.quality, buffers: buffers, hub: hub,
                logger: logger)
        }
        try buffers.start()
    }

    func close() {
        pool?.shutdown()
        buffers.release()
    }

    /// Captures until `stop` is set (returns) or the device fails or falls silent (throws).
    func run(stop: StopFlag) throws(V4L2Error) {
        var descriptor = pollfd(fd: device.fd, events: Int16(POLLIN | POLLPRI), revents: 0)
        let interval = Duration.seconds(1) / max(1, Int(format.fps.rounded(.down)))
        // A first frame may take a while (sensors settle); after that, a gap this long is a lost camera.
        var deadline = ContinuousClock.now + .seconds(5)
        let silence = max(.seconds(2), interval * 4)
        var pacer = FramePacer(deviceFps: format.fps, wantedFps: requestedFps)
        // The device keeps its pace (stopping and restarting a stream costs a sensor
        // hundreds of milliseconds); an idle camera only leaves frames unencoded.
        var slowdown = IdleSlowdown(enabled: slowdownEnabled)
        var lastSequence: UInt32?
        var order: UInt64 = 0
        let telemetry = hub.telemetry

        while !stop.isSet {
            let ready = poll(&descriptor, 1, 100)
            if ready < 0 {
                if errno == EINTR { continue }
                throw .system(device.path, "poll", errno: errno)
            }
            let now = ContinuousClock.now
            if ready == 0 {
                if now > deadline {
                    throw V4L2Error(.timeout, "\(device.path) sent no frame for \(silence): is the source still sending? Reopening it")
                }
                continue
            }
            if descriptor.revents & Int16(POLLIN) == 0, descriptor.revents & Int16(POLLERR | POLLHUP | POLLNVAL) != 0 {
                // The driver's own error comes with the next dequeue.
                _ = try buffers.dequeue()
                throw V4L2Error(.gone, "\(device.path) reported an error: the camera went away (unplugged, or its driver unloaded)")
            }
            // One buffer per wake-up: dequeuing until EAGAIN would make libv4l2 log an
            // error line for every frame.
            if let buffer = try buffers.dequeue() {
                let captured = ContinuousClock.now
                deadline = captured + silence
                telemetry.recordCapture(at: captured)
                if let last = lastSequence, buffer.sequence > last &+ 1 {
                    telemetry.recordDropped(Int(buffer.sequence &- last &- 1))
                }
                lastSequence = buffer.sequence
                let index = Int(buffer.index)
                if buffer.flags & UInt32(V4L2_BUF_FLAG_ERROR) != 0 || buffer.bytesused == 0 {
                    telemetry.recordDropped()
                    try buffers.queue(index)
                    continue
                }
                guard pacer.admit(at: captured), slowdown.admit(at: captured, watched: hub.isWatched) else {
                    try buffers.queue(index)
                    continue
                }
                order += 1
                let frame = CapturedFrame(index: index, bytes: Int(buffer.bytesused), order: order, timestamp: WallClock.now)
                if let pool {
                    pool.submit(frame)
                } else if let passthrough {
                    publish(frame, through: passthrough)
                    try buffers.queue(index)
                }
            }
        }
    }

    private func publish(_ frame: CapturedFrame, through passthrough: JPEGPassthrough) {
        let started = ContinuousClock.now
        let region = buffers.regions[frame.index]
        guard let jpeg = passthrough.take(UnsafeRawBufferPointer(rebasing: region[0..<min(frame.bytes, region.count)])) else {
            hub.telemetry.recordDropped()
            return
        }
        let took = ContinuousClock.now - started
        hub.telemetry.recordEncode(taking: took)
        hub.publish(jpeg: jpeg, size: format.size, timestamp: frame.timestamp, encoding: took)
    }
}

/// Keeps the published rate at the profile's `fps` when the device is faster (an HDMI
/// source at 60 fps for a 25 fps profile): frames between are given back unencoded.
struct FramePacer {
    private let interval: Duration?
    private var next: ContinuousClock.Instant?

    init(deviceFps: Double, wantedFps: Int) {
        interval = deviceFps > Double(wantedFps) * 1.05 ? .seconds(1) / wantedFps : nil
    }

    mutating func admit(at now: ContinuousClock.Instant) -> Bool {
        guard let interval else { return true }
        // A little early is on time: frames arrive with jitter.
        if let next, now < next - .milliseconds(2) { return false }
        next = max((next ?? now) + interval, now - interval / 2)
        return true
    }
}
