import PorticoCore

/// Both axes' moves as a pure state machine: commands and limit-switch readings go in
/// with the time, steps come out with the time of the next one.
///
/// The stepping thread drives it against real lines, tests drive it in virtual time;
/// it is the same code, so what the tests check (limits, ramps, homing, stop) is what
/// the board does.
struct MotionController: Sendable {
    enum HomingPhase: String, Sendable, Equatable {
        case fastApproach = "fast approach"
        case backOff = "back off"
        case slowApproach = "slow approach"
    }

    enum Mode: Sendable, Equatable {
        case still
        case moving(target: Int)
        /// `traveled` counts steps since homing began; `releasedAt`, where the switch let go while backing off.
        case homing(HomingPhase, traveled: Int, releasedAt: Int?)
    }

    struct Axis: Sendable {
        let settings: AxisSettings
        var ramp: StepRamp
        /// Steps from home; meaningful only when `known`.
        var steps: Int
        var known: Bool
        /// Why the position is or is not known, for `/state`.
        var knownBecause: String
        /// The coil phase: counts every step the motor made, never reset, so the coils
        /// go on from where the rotor is even when homing redefines `steps`.
        var phase: Int
        var mode: Mode = .still
        /// When the next step is due; nil at rest.
        var nextStepAt: Duration?
        let limits: ClosedRange<Int>

        var isBusy: Bool { mode != .still || ramp.isMoving }

        func steps(for degrees: Double) -> Int { Int((degrees * settings.stepsPerDegree).rounded()) }
        func degrees(for steps: Int) -> Double { (Double(steps) / settings.stepsPerDegree * 100).rounded() / 100 }
    }

    /// What a step call asks of the lines.
    enum Output: Sendable, Equatable {
        /// One step; `phase` is the coil phase after it, `direction` the motor's (after inversion).
        case step(direction: Int, phase: Int)
    }

    let settings: StepperSettings
    let panTilt: PanTiltSettings
    private(set) var axes: [Axis]
    private(set) var lastError: String?

    /// `saved` is what the position file says of each axis (nil: nothing known).
    init(settings: StepperSettings, panTilt: PanTiltSettings, saved: [String: SavedAxis] = [:]) {
        self.settings = settings
        self.panTilt = panTilt
        var axes: [Axis] = []
        for (axis, limits) in [(settings.pan, panTilt.panLimits), (settings.tilt, panTilt.tiltLimits)] {
            guard let axis else { continue }
            let degrees = axis.stepsPerDegree
            let ramp = StepRamp(maxSpeed: settings.speed * degrees, acceleration: settings.acceleration * degrees)
            let steps = Int((limits.lowerBound * degrees).rounded())...Int((limits.upperBound * degrees).rounded())
            let memory = saved[axis.name]
            axes.append(Axis(
                settings: axis, ramp: ramp, steps: memory?.steps ?? 0, known: memory?.known ?? false,
                knownBecause: memory?.detail ?? "never homed: no position has been stored yet", phase: memory?.phase ?? 0,
                limits: steps))
        }
        self.axes = axes
    }

    var isBusy: Bool { axes.contains { $0.isBusy } }

    /// The earliest step due, by axis index.
    var nextStep: (axis: Int, at: Duration)? {
        axes.indices.compactMap { index in axes[index].nextStepAt.map { (index, $0) } }.min { $0.at < $1.at }
    }

    // MARK: - Commands

    /// Starts, replaces or stops a move; throws, changing nothing, when it is refused.
    mutating func handle(_ command: PanTiltCommand, at now: Duration) throws(PanTiltError) {
        switch command {
        case .stop:
            for index in axes.indices { halt(index) }
        case .setHome:
            for index in axes.indices {
                halt(index)
                axes[index].steps = 0
                axes[index].known = true
                axes[index].knownBecause = "set as home where it pointed"
            }
        case .absolute(let pan, let tilt):
            guard pan != nil || tilt != nil else { throw PanTiltError(.invalid, "name pan, tilt or both, in degrees") }
            var targets: [Int: Int] = [:]
            for (name, degrees) in [("pan", pan), ("tilt", tilt)] {
                guard let degrees else { continue }
                let index = try axisIndex(name)
                targets[index] = try target(index, degrees: degrees, asked: "\(name) \(Self.format(degrees))°")
            }
            for (index, target) in targets { start(index, .moving(target: target), at: now) }
        case .relative(let pan, let tilt):
            var targets: [Int: Int] = [:]
            for (name, delta) in [("pan", pan), ("tilt", tilt)] where delta != 0 {
                let index = try axisIndex(name)
                let axis = axes[index]
                guard axis.known else { throw unknown(index) }
                let from: Int = if case .moving(let target) = axis.mode { target } else { axis.steps }
                let degrees = Double(from) / axis.settings.stepsPerDegree + delta
                targets[index] = try target(index, degrees: degrees, asked: "\(name) by \(Self.format(delta))° to \(Self.format(degrees))°")
            }
            for (index, target) in targets { start(index, .moving(target: target), at: now) }
        case .home:
            var modes: [Int: Mode] = [:]
            for index in axes.indices {
                let axis = axes[index]
                if axis.settings.home != nil {
                    modes[index] = .homing(.fastApproach, traveled: 0, releasedAt: nil)
                } else {
                    guard axis.known else {
                        throw PanTiltError(
                            .positionUnknown,
                            "\(axis.settings.name) has no limit switch and does not know where it points (\(axis.knownBecause)); "
                                + "turn it to home by hand and send {\"command\": \"set_home\"}")
                    }
                    modes[index] = .moving(target: 0)
                }
            }
            lastError = nil
            for (index, mode) in modes { start(index, mode, at: now) }
        }
    }

    private func axisIndex(_ name: String) throws(PanTiltError) -> Int {
        guard let index = axes.firstIndex(where: { $0.settings.name == name }) else {
            throw PanTiltError(.invalid, "this camera has no \(name) axis: its profile wires none")
        }
        return index
    }

    private func target(_ index: Int, degrees: Double, asked: String) throws(PanTiltError) -> Int {
        let axis = axes[index]
        guard degrees.isFinite else { throw PanTiltError(.invalid, "\(asked) is not a number") }
        guard axis.known else { throw unknown(index) }
        let limits = axis.settings.name == "pan" ? panTilt.panLimits : panTilt.tiltLimits
        guard limits.contains(degrees) else {
            throw PanTiltError(
                .beyondLimits,
                "\(asked) is beyond the soft limits of \(axis.settings.name), \(Self.format(limits.lowerBound))° to \(Self.format(limits.upperBound))° "
                    + "([pan_tilt] \(axis.settings.name)_limits)")
        }
        return min(max(axis.steps(for: degrees), axis.limits.lowerBound), axis.limits.upperBound)
    }

    private func unknown(_ index: Int) -> PanTiltError {
        let axis = axes[index]
        let remedy = axis.settings.home != nil ? "send {\"command\": \"home\"} first" : "turn it to home by hand and send {\"command\": \"set_home\"}"
        return PanTiltError(.positionUnknown, "\(axis.settings.name) does not know where it points (\(axis.knownBecause)); \(remedy)")
    }

    private mutating func start(_ index: Int, _ mode: Mode, at now: Duration) {
        axes[index].mode = mode
        if case .homing = mode {
            // Homing starts from rest, so the first pass ramps up at the homing speed.
            axes[index].ramp.halt()
            axes[index].nextStepAt = now
        } else if axes[index].nextStepAt == nil {
            axes[index].nextStepAt = now
        }
    }

    private mutating func halt(_ index: Int) {
        if case .homing = axes[index].mode, !axes[index].known {
            axes[index].knownBecause = "homing was stopped before it found the switch"
        }
        axes[index].mode = .still
        axes[index].ramp.halt()
        axes[index].nextStepAt = nil
    }

    // MARK: - Steps

    /// Takes the step of axis `index` due at `now`. `switchActive` is its limit switch,
    /// read just before (nil when it has none). Returns nil when no step is taken: the
    /// move ended, the switch tripped, homing failed.
    mutating func step(_ index: Int, at now: Duration, switchActive: Bool?) -> Output? {
        guard let due = axes[index].nextStepAt else { return nil }
        var axis = axes[index]
        let degrees = axis.settings.stepsPerDegree
        let remaining: Int
        switch axis.mode {
        case .still:
            remaining = 0
        case .moving(let target):
            axis.ramp.maxSpeed = settings.speed * degrees
            remaining = target - axis.steps
        case .homing(let phase, let traveled, let releasedAt):
            guard let home = axis.settings.home else { return nil }
            let active = switchActive ?? false
            let travel = Int(settings.homingTravel * degrees)
            switch phase {
            case .fastApproach, .slowApproach:
                if active {
                    axis.ramp.halt()
                    if phase == .fastApproach {
                        axis.mode = .homing(.backOff, traveled: traveled, releasedAt: nil)
                        axis.nextStepAt = now
                    } else {
                        axis.steps = axis.steps(for: home.position)
                        axis.known = true
                        axis.knownBecause = "homed against its limit switch"
                        axis.mode = axis.steps == 0 ? .still : .moving(target: 0)
                        axis.nextStepAt = axis.steps == 0 ? nil : now
                    }
                    axes[index] = axis
                    return nil
                }
                guard traveled < travel else {
                    fail(&axis, "homing \(axis.settings.name) found no limit switch within \(Int(settings.homingTravel))°; check \(axis.settings.name)_home and its wiring")
                    axes[index] = axis
                    return nil
                }
                axis.ramp.maxSpeed = (phase == .fastApproach ? settings.homingSpeed : settings.homingSlowSpeed) * degrees
                axis.mode = .homing(phase, traveled: traveled + 1, releasedAt: nil)
                remaining = home.direction * Int(Int32.max)
            case .backOff:
                let released = releasedAt ?? (active ? nil : traveled)
                if let released, traveled - released >= Int((settings.backOff * degrees).rounded()) {
                    axis.ramp.halt()
                    axis.mode = .homing(.slowApproach, traveled: traveled, releasedAt: nil)
                    axis.nextStepAt = now
                    axes[index] = axis
                    return nil
                }
                guard traveled < 2 * travel else {
                    fail(&axis, "homing \(axis.settings.name): the limit switch stayed active while backing off \(Int(settings.homingTravel))°; check \(axis.settings.name)_home_active")
                    axes[index] = axis
                    return nil
                }
                axis.ramp.maxSpeed = settings.homingSpeed * degrees
                axis.mode = .homing(.backOff, traveled: traveled + 1, releasedAt: released)
                remaining = -home.direction * Int(Int32.max)
            }
        }
        guard let next = axis.ramp.next(remaining: remaining) else {
            axis.mode = .still
            axis.nextStepAt = nil
            axes[index] = axis
            return nil
        }
        axis.steps += next.direction
        let motorDirection = axis.settings.inverted ? -next.direction : next.direction
        axis.phase += motorDirection
        // Paced by deadlines, not by when the thread woke: late wake-ups do not add up.
        // A thread far behind (the board was busy) starts again from now.
        let base = now - due > .milliseconds(20) ? now : due
        axis.nextStepAt = base + .nanoseconds(Int64(next.interval * 1e9))
        axes[index] = axis
        return .step(direction: motorDirection, phase: axis.phase)
    }

    private mutating func fail(_ axis: inout Axis, _ message: String) {
        axis.ramp.halt()
        axis.mode = .still
        axis.nextStepAt = nil
        axis.knownBecause = "homing failed"
        lastError = message
    }

    /// For the drive: a failure it met outside the controller (a line that cannot be driven).
    mutating func record(error: String) {
        lastError = error
        for index in axes.indices { halt(index) }
    }

    // MARK: - Status

    func status(presets: [(name: String, position: PanTiltPosition)]) -> PanTiltStatus {
        let pan = axes.first { $0.settings.name == "pan" }
        let tilt = axes.first { $0.settings.name == "tilt" }
        let known = axes.allSatisfy(\.known)
        let position = known ? PanTiltPosition(pan: pan.map { $0.degrees(for: $0.steps) } ?? 0, tilt: tilt.map { $0.degrees(for: $0.steps) } ?? 0) : nil
        var target: PanTiltPosition?
        var homing: [(String, HomingPhase)] = []
        for axis in axes {
            if case .homing(let phase, _, _) = axis.mode { homing.append((axis.settings.name, phase)) }
        }
        var activity = isBusy ? "moving" : "idle"
        if homing.count == 1 {
            activity = "homing: \(homing[0].1.rawValue)"
        } else if !homing.isEmpty {
            activity = "homing: " + homing.map { "\($0.0) \($0.1.rawValue)" }.joined(separator: ", ")
        }
        if activity == "moving" && known {
            func ends(_ axis: Axis?) -> Double {
                guard let axis else { return 0 }
                if case .moving(let target) = axis.mode { return axis.degrees(for: target) }
                return axis.degrees(for: axis.steps)
            }
            target = PanTiltPosition(pan: ends(pan), tilt: ends(tilt))
        }
        let detail = axes.map { "\($0.settings.name): \($0.knownBecause)" }.joined(separator: "; ")
        return PanTiltStatus(
            position: position, position_detail: detail, target: target, moving: isBusy, activity: activity,
            pan_steps: pan.flatMap { $0.known ? $0.steps : nil }, tilt_steps: tilt.flatMap { $0.known ? $0.steps : nil },
            pan_limits: [panTilt.panLimits.lowerBound, panTilt.panLimits.upperBound],
            tilt_limits: [panTilt.tiltLimits.lowerBound, panTilt.tiltLimits.upperBound],
            presets: Dictionary(presets.map { ($0.name, $0.position) }, uniquingKeysWith: { first, _ in first }),
            last_error: lastError)
    }

    /// Degrees as a message shows them. A request may carry any double (1e300, or an
    /// infinity reached by adding): only a whole number that fits an Int is shown as one.
    static func format(_ degrees: Double) -> String {
        guard degrees.isFinite, abs(degrees) < 1e15 else { return "\(degrees)" }
        return degrees == degrees.rounded() ? "\(Int(degrees))" : "\((degrees * 100).rounded() / 100)"
    }
}
