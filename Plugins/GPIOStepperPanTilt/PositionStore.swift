#if canImport(Glibc)
import Glibc
#endif
import FoundationEssentials
import PorticoCore

/// What the position file keeps of one axis.
struct SavedAxis: Codable, Sendable, Equatable {
    var steps: Int
    /// The coil phase, so the first step after a restart goes on from where the rotor is.
    var phase: Int
    var known: Bool
    var detail: String
    var steps_per_revolution: Int
}

/// The motors' position across restarts: `<state_dir>/pan_tilt.json`, written atomically
/// when a move starts (marked as moving) and when it ends. A file still marked as
/// moving means the board lost power or the daemon was killed mid-move: the steps
/// counted are then not where the camera points, and the driver says so.
struct PositionStore: Sendable {
    struct File: Codable {
        var moving: Bool
        var axes: [String: SavedAxis]
    }

    let directory: String
    let path: String

    init(stateDirectory: String) {
        directory = stateDirectory
        path = stateDirectory + "/pan_tilt.json"
    }

    /// Each axis as stored, already marked unknown where the file cannot be trusted.
    func load(for axes: [AxisSettings]) -> [String: SavedAxis] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            if errno == ENOENT { return [:] }
            return unknown(axes, "the stored position \(path) cannot be read: \(String(cString: strerror(errno)))")
        }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while bytes.count < 65536 {
            let count = read(fd, &chunk, chunk.count)
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { break }
            bytes += chunk[0..<count]
        }
        close(fd)
        guard let file = try? JSONDecoder().decode(File.self, from: Data(bytes)) else {
            return unknown(axes, "the stored position \(path) is not readable JSON; home again")
        }
        var result: [String: SavedAxis] = [:]
        for axis in axes {
            guard var saved = file.axes[axis.name] else { continue }
            if saved.steps_per_revolution != axis.stepsPerRevolution {
                saved.known = false
                saved.detail = "\(axis.name)_steps_per_revolution changed from \(saved.steps_per_revolution) to \(axis.stepsPerRevolution) since the position was stored"
            } else if file.moving && saved.known {
                saved.known = false
                saved.detail = "a move was cut off (the board lost power or the daemon was killed while moving)"
            }
            result[axis.name] = saved
        }
        return result
    }

    func save(_ axes: [MotionController.Axis], moving: Bool) throws(AtomicFile.Failure) {
        var file = File(moving: moving, axes: [:])
        for axis in axes {
            file.axes[axis.settings.name] = SavedAxis(
                steps: axis.steps, phase: axis.phase, known: axis.known, detail: axis.knownBecause,
                steps_per_revolution: axis.settings.stepsPerRevolution)
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        guard let data = try? encoder.encode(file) else { return }
        // A fresh board has no state folder yet; its parent is the board image's business.
        if mkdir(directory, 0o755) != 0 && errno != EEXIST {
            throw AtomicFile.Failure(description: "cannot create \(directory) for \(path): \(String(cString: strerror(errno))); check state_dir in the profile")
        }
        try AtomicFile.write(Array(data), to: path)
    }

    private func unknown(_ axes: [AxisSettings], _ detail: String) -> [String: SavedAxis] {
        Dictionary(uniqueKeysWithValues: axes.map {
            ($0.name, SavedAxis(steps: 0, phase: 0, known: false, detail: detail, steps_per_revolution: $0.stepsPerRevolution))
        })
    }
}
