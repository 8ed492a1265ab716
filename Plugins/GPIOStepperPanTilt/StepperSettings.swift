import PorticoCore

/// The `[pan_tilt]` keys of the gpio-stepper driver: the chip, each axis's wiring, and
/// how fast the motors may go.
struct StepperSettings: Sendable, Equatable {
    /// As `gpiodetect` names it (`gpiochip0`), or its path, number or label.
    var chip: String
    var pan: AxisSettings?
    var tilt: AxisSettings?
    /// Degrees per second, at most.
    var speed: Double
    /// Degrees per second per second.
    var acceleration: Double
    /// Degrees per second towards the switch on the first pass of homing, and on the second.
    var homingSpeed: Double
    var homingSlowSpeed: Double
    /// Degrees the axis backs off the switch between the two passes.
    var backOff: Double
    /// Degrees an axis may turn looking for its switch before homing gives up.
    var homingTravel: Double
    /// Where the profile wrote each key, so a busy line points at its line of the profile.
    var origin: ProfileOrigin

    init?(reading section: inout ProfileSection) {
        chip = section.string("chip", default: "gpiochip0") ?? "gpiochip0"
        let lines = 0...1023
        pan = AxisSettings.read("pan", from: &section, lineCount: lines)
        tilt = AxisSettings.read("tilt", from: &section, lineCount: lines)
        speed = Double(section.integer("speed", in: 1...3600, default: 30) ?? 30)
        acceleration = Double(section.integer("acceleration", in: 1...100_000, default: 90) ?? 90)
        homingSpeed = Double(section.integer("homing_speed", in: 1...3600, default: 15) ?? 15)
        homingSlowSpeed = Double(section.integer("homing_slow_speed", in: 1...3600, default: 2) ?? 2)
        backOff = Double(section.integer("homing_back_off", in: 1...90, default: 5) ?? 5)
        homingTravel = Double(section.integer("homing_travel", in: 10...1080, default: 400) ?? 400)
        var keys = ["chip"]
        for axis in ["pan", "tilt"] {
            keys += ["coils", "step", "dir", "enable", "home"].map { "\(axis)_\($0)" }
        }
        origin = ProfileOrigin(section: section, keys: keys)

        if pan == nil && tilt == nil && !section.contains("pan_coils") && !section.contains("pan_step")
            && !section.contains("tilt_coils") && !section.contains("tilt_step") {
            section.reject("driver", .missingKey, "no axis is wired",
                           validChoices: ["pan_coils = [A, B, C, D] or pan_step/pan_dir", "tilt_coils or tilt_step/tilt_dir"])
            return nil
        }
        if let pan, let tilt {
            let panLines = pan.wiring.lines + (pan.home.map { [$0.line] } ?? [])
            for line in tilt.wiring.lines + (tilt.home.map { [$0.line] } ?? []) where panLines.contains(line) {
                section.reject(Self.key(naming: line, in: tilt), .invalidValue, "line \(line) is already used by the pan axis")
            }
        }
        if homingSlowSpeed > homingSpeed {
            section.reject("homing_slow_speed", .invalidValue, "the second pass is faster than the first",
                           validChoices: ["at most homing_speed (\(Int(homingSpeed)))"])
        }
        guard pan != nil || tilt != nil else { return nil }
    }

    /// The profile key that names `line`, for messages about it.
    func key(naming line: Int) -> String {
        for axis in [pan, tilt].compactMap({ $0 }) {
            let key = Self.key(naming: line, in: axis)
            if key != "chip" { return key }
        }
        return "chip"
    }

    static func key(naming line: Int, in axis: AxisSettings) -> String {
        if axis.home?.line == line { return "\(axis.name)_home" }
        switch axis.wiring {
        case .coils(let coils) where coils.contains(line): return "\(axis.name)_coils"
        case .stepDir(let step, _, _) where step == line: return "\(axis.name)_step"
        case .stepDir(_, let dir, _) where dir == line: return "\(axis.name)_dir"
        case .stepDir(_, _, let enable) where enable == line: return "\(axis.name)_enable"
        default: return "chip"
        }
    }

    var summary: String {
        let axes = [pan, tilt].compactMap { $0 }.map { axis -> String in
            let wiring: String
            switch axis.wiring {
            case .coils(let coils): wiring = "coils \(coils.map(String.init).joined(separator: ","))"
            case .stepDir(let step, let dir, let enable): wiring = "step \(step), dir \(dir)" + (enable.map { ", enable \($0)" } ?? "")
            }
            return "\(axis.name) on \(wiring), \(axis.stepsPerRevolution) steps/rev" + (axis.home.map { ", home switch on \($0.line)" } ?? "")
        }
        return "\(chip): " + axes.joined(separator: "; ") + "; up to \(Int(speed))°/s"
    }
}
