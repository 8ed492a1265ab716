import GPIOLines
import Logging
import PorticoCore
import Synchronization

/// Pan/tilt with two stepper motors on GPIO lines: unipolar motors through a ULN2003
/// (four coil lines, half-stepped) or step/dir drivers, each axis in its own line request.
///
/// Steps are paced on a thread of their own against absolute deadlines on the
/// monotonic clock, so a busy web server or a late wake-up never stretches a move.
/// Every decision (ramps, limits, homing, stop) is made by `MotionController`; this
/// type only carries them to the lines and keeps the position on disk.
package final class GPIOStepperPanTilt: PanTiltDriver {
    package static let plugin = Plugin<PanTiltSettings, any PanTiltDriver>(
        name: "gpio-stepper", summary: "stepper motors on GPIO lines: ULN2003 coils or step/dir drivers, via libgpiod"
    ) { section, panTilt in
        guard let settings = StepperSettings(reading: &section) else { return nil }
        return GPIOStepperPanTilt(settings: settings, panTilt: panTilt)
    }

    let settings: StepperSettings
    let panTilt: PanTiltSettings
    private let shared: Mutex<Shared>
    private let wake = ThreadSignal()

    private struct Shared {
        var controller: MotionController
        /// The lines are held and the stepping thread runs.
        var running = false
        /// Why the position could not be stored, until it can again.
        var storeError: String?
    }

    init(settings: StepperSettings, panTilt: PanTiltSettings) {
        self.settings = settings
        self.panTilt = panTilt
        shared = Mutex(Shared(controller: MotionController(settings: settings, panTilt: panTilt)))
    }

    private var axes: [AxisSettings] { [settings.pan, settings.tilt].compactMap { $0 } }

    package func run(stateDirectory: String, logger: Logger) async throws {
        let store = PositionStore(stateDirectory: stateDirectory)
        let lines: [AxisLines]
        do {
            let chip = try GPIOChip(opening: settings.chip)
            lines = try axes.map { (axis) throws(GPIOError) in try AxisLines(chip: chip, axis: axis) }
        } catch {
            throw problem(error)
        }
        let saved = store.load(for: axes)
        let status = shared.withLock { shared in
            shared.controller = MotionController(settings: settings, panTilt: panTilt, saved: saved)
            shared.running = true
            return shared.controller.status(presets: panTilt.presets)
        }
        defer { shared.withLock { $0.running = false } }
        logger.info("pan/tilt ready", metadata: [
            "settings": "\(settings.summary)",
            "position": "\(status.position.map { "pan \($0.pan)°, tilt \($0.tilt)°" } ?? "unknown: \(status.position_detail)")",
        ])
        try await DedicatedThread.run(name: "pan-tilt") { stop in
            self.drive(lines, store: store, stop: stop, logger: logger)
        }
    }

    package func move(_ command: PanTiltCommand) throws(PanTiltError) {
        let now = MonotonicClock.now
        try shared.withLock { (shared) throws(PanTiltError) in
            guard shared.running else {
                throw PanTiltError(.unavailable, "the motors are not running: see the log for why their lines could not be held")
            }
            try shared.controller.handle(command, at: now)
        }
        wake.signal()
    }

    package var status: PanTiltStatus {
        shared.withLock { shared in
            var status = shared.controller.status(presets: panTilt.presets)
            if status.last_error == nil { status.last_error = shared.storeError }
            if !shared.running && status.last_error == nil { status.last_error = "the motors are not running" }
            return status
        }
    }

    // MARK: - The stepping thread

    /// Sleeps to the next step's deadline, takes it, and between moves de-energises the
    /// coils and stores the position: marked as moving when a move starts, so a power
    /// cut in mid-move is known at the next start.
    private func drive(_ lines: [AxisLines], store: PositionStore, stop: StopFlag, logger: Logger) {
        var wasBusy = false
        let idleWake: UInt64 = 100_000_000  // the stop flag is checked at least this often
        while !stop.isSet {
            let (next, busy, axes) = shared.withLock { ($0.controller.nextStep, $0.controller.isBusy, $0.controller.axes) }
            if busy != wasBusy {
                if !busy {
                    for line in lines { deenergise(line, logger: logger) }
                }
                do {
                    try store.save(axes, moving: busy)
                    shared.withLock { $0.storeError = nil }
                } catch {
                    logger.warning("cannot store the position; after a restart it will not be known", metadata: ["error": "\(error)"])
                    shared.withLock { $0.storeError = "cannot store the position: \(error)" }
                }
                wasBusy = busy
            }
            let now = MonotonicClock.nanoseconds
            guard let next else {
                wake.wait(untilMonotonic: now + idleWake)
                continue
            }
            let due = UInt64(max(0, next.at.components.seconds)) * 1_000_000_000 + UInt64(max(0, next.at.components.attoseconds / 1_000_000_000))
            if now < due {
                wake.wait(untilMonotonic: min(due, now + idleWake))
                continue  // a new command, the stop flag, or the deadline: decide again
            }
            let line = lines[next.axis]
            let switchActive: Bool?
            do {
                switchActive = try line.switchActive()
            } catch {
                fail(error, logger: logger)
                continue
            }
            let output = shared.withLock {
                $0.controller.step(next.axis, at: MonotonicClock.now, switchActive: switchActive)
            }
            guard case .step(let direction, let phase) = output else { continue }
            do {
                try line.step(direction: direction, phase: phase)
            } catch {
                fail(error, logger: logger)
            }
        }
        for line in lines { deenergise(line, logger: logger) }
        let axes = shared.withLock { $0.controller.axes }
        do {
            try store.save(axes, moving: false)
        } catch {
            logger.warning("cannot store the position on the way out", metadata: ["error": "\(error)"])
        }
    }

    private func deenergise(_ line: AxisLines, logger: Logger) {
        do {
            try line.deenergise()
        } catch {
            logger.error("cannot switch the \(line.axis.name) motor off", metadata: ["error": "\(error)"])
        }
    }

    private func fail(_ error: GPIOError, logger: Logger) {
        logger.error("pan/tilt stopped: a line could not be driven or read", metadata: ["error": "\(error)"])
        shared.withLock { $0.controller.record(error: error.description) }
    }

    // MARK: - Hardware check

    /// A GPIO failure as a profile error at the key that names the line.
    private func problem(_ error: GPIOError) -> ProfileError {
        settings.origin.problem(error.line.map(settings.key(naming:)) ?? "chip", error.description)
    }

    package func checkHardware() -> HardwareCheck? {
        var lines: [GPIOLineCheck.Wanted] = []
        for axis in axes {
            var named: [(String, Int)]
            switch axis.wiring {
            case .coils(let coils): named = zip(["coil A", "coil B", "coil C", "coil D"], coils).map { ($0, $1) }
            case .stepDir(let step, let dir, let enable): named = [("step", step), ("dir", dir)] + (enable.map { [("enable", $0)] } ?? [])
            }
            if let home = axis.home { named.append(("limit switch", home.line)) }
            lines += named.map { .init(role: "\(axis.name) \($0.0)", key: StepperSettings.key(naming: $0.1, in: axis), offset: $0.1) }
        }
        return GPIOLineCheck.check(chip: settings.chip, lines: lines, origin: settings.origin)
    }
}
