import GPIOLines
import PorticoCore

/// How one axis is wired and geared, from its `pan_*` or `tilt_*` keys.
struct AxisSettings: Sendable, Equatable {
    enum Wiring: Sendable, Equatable {
        /// A unipolar stepper through a ULN2003 or the like: four coil lines, half-stepped.
        case coils([Int])
        /// A step/dir driver (A4988, DRV8825): a pulse per step, the direction on a line,
        /// optionally an enable line (active low, as those drivers have it).
        case stepDir(step: Int, dir: Int, enable: Int?)

        var lines: [Int] {
            switch self {
            case .coils(let lines): lines
            case .stepDir(let step, let dir, let enable): [step, dir] + (enable.map { [$0] } ?? [])
            }
        }
    }

    /// The limit switch the axis homes against.
    struct HomeSwitch: Sendable, Equatable {
        var line: Int
        var activeLow: Bool
        var pull: GPIOPull
        /// +1 or -1: which way the axis turns to reach it.
        var direction: Int
        /// Degrees from home where the switch trips; after homing the axis goes to 0°.
        var position: Double
    }

    var name: String
    var wiring: Wiring
    var stepsPerRevolution: Int
    /// Turns the motor the other way (a motor mounted mirrored).
    var inverted: Bool
    var home: HomeSwitch?

    var stepsPerDegree: Double { Double(stepsPerRevolution) / 360 }

    /// Reads `<axis>_coils` or `<axis>_step`/`<axis>_dir`/`<axis>_enable`, and the rest;
    /// nil when the axis is not wired (neither given).
    static func read(_ axis: String, from section: inout ProfileSection, lineCount: ClosedRange<Int>) -> AxisSettings? {
        let coils = section.integers("\(axis)_coils", in: lineCount, count: 4...4, default: [])
        let step = section.integer("\(axis)_step", in: lineCount, default: -1)
        let dir = section.integer("\(axis)_dir", in: lineCount, default: -1)
        let enable = section.integer("\(axis)_enable", in: lineCount, default: -1)
        let stepsPerRevolution = section.integer("\(axis)_steps_per_revolution", in: 8...1_000_000, default: 4096) ?? 4096
        let inverted = section.boolean("\(axis)_invert", default: false) ?? false
        let homeLine = section.integer("\(axis)_home", in: lineCount, default: -1)
        let homeActive = section.choice("\(axis)_home_active", from: ["low", "high"], default: "low")
        let homePull = section.choice("\(axis)_home_pull", from: GPIOPull.allCases.map(\.rawValue), default: GPIOPull.up.rawValue)
        let homeDirection = section.choice("\(axis)_home_direction", from: ["negative", "positive"], default: "negative")
        let homePosition = section.integer("\(axis)_home_position", in: -360...360, default: 0)

        let hasCoils = coils.map { !$0.isEmpty } ?? true
        let hasStepDir = section.contains("\(axis)_step") || section.contains("\(axis)_dir")
        let wiring: Wiring
        switch (hasCoils, hasStepDir) {
        case (false, false):
            for key in ["enable", "home", "steps_per_revolution", "invert"] where section.contains("\(axis)_\(key)") {
                section.reject("\(axis)_\(key)", .invalidValue, "the \(axis) axis is not wired",
                               validChoices: ["\(axis)_coils = [A, B, C, D] for a ULN2003", "\(axis)_step and \(axis)_dir for a step/dir driver"])
            }
            return nil
        case (true, true):
            section.reject("\(axis)_coils", .invalidValue, "the \(axis) axis is wired twice: both coils and step/dir",
                           validChoices: ["\(axis)_coils for a unipolar motor", "\(axis)_step and \(axis)_dir for a step/dir driver"])
            return nil
        case (true, false):
            guard let coils, Set(coils).count == 4 else {
                if let coils, Set(coils).count != 4 {
                    section.reject("\(axis)_coils", .invalidValue, "names a line twice", validChoices: ["four different lines"])
                }
                return nil
            }
            if section.contains("\(axis)_enable") {
                section.reject("\(axis)_enable", .invalidValue, "a ULN2003 has no enable line; coils are switched off when idle")
            }
            wiring = .coils(coils)
        case (false, true):
            guard let step, let dir, step >= 0, dir >= 0 else {
                if step == -1 || dir == -1 {
                    section.reject(step == -1 ? "\(axis)_step" : "\(axis)_dir", .missingKey,
                                   "a step/dir driver needs both \(axis)_step and \(axis)_dir")
                }
                return nil
            }
            guard step != dir, enable != step, enable != dir else {
                section.reject("\(axis)_step", .invalidValue, "step, dir and enable must be different lines")
                return nil
            }
            wiring = .stepDir(step: step, dir: dir, enable: (enable ?? -1) >= 0 ? enable : nil)
        }

        var home: HomeSwitch?
        if let homeLine, homeLine >= 0 {
            if wiring.lines.contains(homeLine) {
                section.reject("\(axis)_home", .invalidValue, "line \(homeLine) already drives the \(axis) motor")
            }
            home = HomeSwitch(
                line: homeLine, activeLow: homeActive != "high", pull: homePull.flatMap(GPIOPull.init(rawValue:)) ?? .up,
                direction: homeDirection == "positive" ? 1 : -1, position: Double(homePosition ?? 0))
        } else {
            for key in ["home_active", "home_pull", "home_direction", "home_position"] where section.contains("\(axis)_\(key)") {
                section.reject("\(axis)_\(key)", .invalidValue, "the \(axis) axis has no limit switch", validChoices: ["\(axis)_home = LINE"])
            }
        }
        return AxisSettings(name: axis, wiring: wiring, stepsPerRevolution: stepsPerRevolution, inverted: inverted, home: home)
    }
}
