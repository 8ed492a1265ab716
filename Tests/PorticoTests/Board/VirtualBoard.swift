#if canImport(Glibc)
import Glibc
#endif
import CameraImaging
import FoundationEssentials
import PorticoCore
import PorticoTestSupport

/// The virtual board (`board/virtual/vboard`): a real kernel with the vivid V4L2 camera.
/// Tests that need it run inside it (`scripts/test-board`) and skip everywhere else.
enum VirtualBoard {
    static var isInside: Bool { getenv("PORTICO_VBOARD").map { String(cString: $0) } == "1" }

    static var video: String { getenv("PORTICO_VBOARD_VIDEO").map { String(cString: $0) } ?? "/dev/video0" }

    /// A profile for the board's camera.
    static func profile(size: String = "640x480", fps: Int = 25, extra: String = "") -> String {
        """
        name = "vboard-test"
        [camera]
        source = "v4l2"
        device = "\(video)"
        size = "\(size)"
        fps = \(fps)
        quality = 80
        \(extra)
        """
    }

    /// Takes the camera away as unplugging it would: the driver lets go of the device
    /// while it is open, and its node disappears.
    static func unplug() throws {
        try write("vivid.0", to: "/sys/bus/platform/drivers/vivid/unbind")
    }

    /// Runs a command inside the board (rmmod, modprobe) and returns its status.
    @discardableResult
    static func command(_ arguments: [String]) throws -> (status: Int32, output: String, error: String) {
        try Subprocess.run(arguments, executable: "/usr/bin/env", timeout: .seconds(30))
    }

    static func write(_ text: String, to path: String) throws {
        let fd = open(path, O_WRONLY)
        guard fd >= 0 else { throw TestFailure("cannot open \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        let bytes = Array(text.utf8)
        guard bytes.withUnsafeBytes({ Glibc.write(fd, $0.baseAddress, $0.count) }) == bytes.count else {
            throw TestFailure("cannot write \(text) to \(path): \(String(cString: strerror(errno)))")
        }
    }

    /// The process's open descriptors, by what they point at.
    static func descriptors(of pid: pid_t) -> [String] {
        guard let directory = opendir("/proc/\(pid)/fd") else { return [] }
        defer { closedir(directory) }
        var targets: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if name == "." || name == ".." { continue }
            var buffer = [CChar](repeating: 0, count: 512)
            let count = readlink("/proc/\(pid)/fd/\(name)", &buffer, buffer.count - 1)
            targets.append(count > 0 ? String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self) : "?")
        }
        return targets.sorted()
    }

    /// Memory mappings of the camera's capture buffers in the process.
    static func captureMappings(of pid: pid_t) throws -> Int {
        let maps = try Repository.readAbsolute("/proc/\(pid)/maps")
        return maps.split(separator: "\n").filter { $0.hasSuffix(video) }.count
    }

    static func state(port: Int) throws -> StateReport {
        try JSONDecoder().decode(StateReport.self, from: Data(LoopbackHTTPClient.get(port: port, path: "/state").body))
    }

    /// Waits until `/state` says the camera has a picture (or none, with `live: false`).
    static func waitForSignal(port: Int, live: Bool, within limit: Duration = .seconds(15)) throws -> StateReport {
        let deadline = ContinuousClock.now + limit
        var last: StateReport?
        while ContinuousClock.now < deadline {
            if let state = try? state(port: port) {
                last = state
                if (state.camera?.signal == "live") == live { return state }
            }
            usleep(100_000)
        }
        throw TestFailure("the camera's signal did not become \(live ? "live" : "no-signal") within \(limit); /state says \(last?.camera?.signal ?? "nothing"): \(last?.camera?.signal_detail ?? "")")
    }
}

/// What a frame shows, told from its pixels: vivid's colour bars begin with a light
/// grey bar at the left edge, the "NO SIGNAL" frame is dark there.
enum FrameContent: Equatable {
    case camera
    case noSignal

    static func of(_ jpeg: [UInt8], decoder: JPEGDecoder) throws -> (FrameContent, FrameSize) {
        let (size, pixels) = try decoder.decodeGray(jpeg)
        // The bottom-left corner, below vivid's text overlay.
        var sum = 0, count = 0
        for y in (size.height * 7 / 8)..<(size.height - 4) {
            for x in 0..<(size.width / 16) {
                sum += Int(pixels[y * size.width + x])
                count += 1
            }
        }
        return (sum / max(1, count) > 100 ? .camera : .noSignal, size)
    }
}
