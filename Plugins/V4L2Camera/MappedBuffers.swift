#if canImport(Glibc)
import Glibc
#endif
import CV4L2

/// The capture buffers shared with the driver (memory-mapped, so frames are never
/// copied out of the kernel), and the streaming on and off around them.
///
/// Released exactly once, on every path (`release`, or the deinit when an error left
/// early): stream off, unmap, free in the driver. Then the device can be closed and
/// opened again without leaking a mapping.
final class MappedBuffers: @unchecked Sendable {
    let device: V4L2Device
    private(set) var regions: [UnsafeRawBufferPointer] = []
    private var streaming = false
    private var released = false

    init(device: V4L2Device, count: Int) throws(V4L2Error) {
        self.device = device
        var request = v4l2_requestbuffers()
        request.count = UInt32(count)
        request.type = V4L2_BUF_TYPE_VIDEO_CAPTURE.rawValue
        request.memory = V4L2_MEMORY_MMAP.rawValue
        try device.control(PORTICO_VIDIOC_REQBUFS, "VIDIOC_REQBUFS", &request)
        guard request.count >= 2 else {
            release()
            throw V4L2Error(.failed, "\(device.path) gave \(request.count) capture buffer(s); streaming needs at least 2")
        }
        for index in 0..<request.count {
            var buffer = Self.buffer(index)
            do {
                try device.control(PORTICO_VIDIOC_QUERYBUF, "VIDIOC_QUERYBUF", &buffer)
            } catch {
                release()
                throw error
            }
            let length = Int(buffer.length)
            let address = v4l2_mmap(nil, length, PROT_READ | PROT_WRITE, MAP_SHARED, device.fd, Int64(buffer.m.offset))
            guard let address, address != MAP_FAILED else {
                let code = errno
                release()
                throw .system(device.path, "mmap", errno: code)
            }
            regions.append(UnsafeRawBufferPointer(start: address, count: length))
        }
    }

    deinit {
        release()
    }

    /// Hands every buffer to the driver and starts streaming.
    func start() throws(V4L2Error) {
        for index in regions.indices { try queue(index) }
        var type = Int32(V4L2_BUF_TYPE_VIDEO_CAPTURE.rawValue)
        try device.control(PORTICO_VIDIOC_STREAMON, "VIDIOC_STREAMON", &type)
        streaming = true
    }

    /// Gives buffer `index` back to the driver to fill again. Safe from any thread.
    func queue(_ index: Int) throws(V4L2Error) {
        var buffer = Self.buffer(UInt32(index))
        try device.control(PORTICO_VIDIOC_QBUF, "VIDIOC_QBUF", &buffer)
    }

    /// The next filled buffer, or nil when none is ready yet.
    func dequeue() throws(V4L2Error) -> v4l2_buffer? {
        var buffer = Self.buffer(0)
        let code = device.status(PORTICO_VIDIOC_DQBUF, &buffer)
        if code == EAGAIN { return nil }
        if code != 0 { throw .system(device.path, "VIDIOC_DQBUF", errno: code) }
        return buffer
    }

    /// Stops streaming, unmaps and frees the buffers. Failures are ignored: the device
    /// may be gone, and there is nothing left to do but let go.
    func release() {
        guard !released else { return }
        released = true
        if streaming {
            var type = Int32(V4L2_BUF_TYPE_VIDEO_CAPTURE.rawValue)
            _ = device.status(PORTICO_VIDIOC_STREAMOFF, &type)
            streaming = false
        }
        for region in regions {
            _ = v4l2_munmap(UnsafeMutableRawPointer(mutating: region.baseAddress), region.count)
        }
        regions = []
        var request = v4l2_requestbuffers()
        request.count = 0
        request.type = V4L2_BUF_TYPE_VIDEO_CAPTURE.rawValue
        request.memory = V4L2_MEMORY_MMAP.rawValue
        _ = device.status(PORTICO_VIDIOC_REQBUFS, &request)
    }

    private static func buffer(_ index: UInt32) -> v4l2_buffer {
        var buffer = v4l2_buffer()
        buffer.index = index
        buffer.type = V4L2_BUF_TYPE_VIDEO_CAPTURE.rawValue
        buffer.memory = V4L2_MEMORY_MMAP.rawValue
        return buffer
    }
}
