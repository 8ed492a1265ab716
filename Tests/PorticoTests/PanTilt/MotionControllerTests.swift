import PorticoCore
import Testing

@testable import GPIOStepperPanTilt

/// The stepper's decisions in virtual time: ramps, soft limits, a new move replacing one
/// in flight, stop, homing against a switch. The board runs this same controller.
@Suite("Pan/tilt motion in virtual time")
struct MotionControllerTests {
    static let profile = """
        name = "cam"
        [pan_tilt]
        driver = "gpio-stepper"
        pan_coils = [0, 1, 2, 3]
        tilt_coils = [4, 5, 6, 7]
        pan_home = 8
        speed = 30
        acceleration = 90
        """

    static func controller(_ profile: String = profile, saved: [String: SavedAxis] = [:]) throws -> MotionController {
        let loaded = try ProfileLoader(registry: PluginRegistry(panTiltDrivers: [GPIOStepperPanTilt.plugin])).load(text: profile, file: "p.toml")
        let panTilt = try #require(loaded.panTilt)
        let driver = try #require(panTilt.instance as? GPIOStepperPanTilt)
        return MotionController(settings: driver.settings, panTilt: panTilt.settings, saved: saved)
    }

    static let known = ["pan": SavedAxis(steps: 0, phase: 0, known: true, detail: "test", steps_per_revolution: 4096),
                        "tilt": SavedAxis(steps: 0, phase: 0, known: true, detail: "test", steps_per_revolution: 4096)]

    /// One step as the lines saw it.
    struct Step: Equatable {
        var axis: Int
        var at: Duration
        var direction: Int
        var phase: Int
    }

    /// Runs the controller until it rests or `limit`; `command` is applied when the clock passes its time.
    /// `switchAt` is the pan limit switch: active at and below that many motor steps from where the run began.
    static func run(
        _ controller: inout MotionController, from start: Duration = .zero, until limit: Duration = .seconds(60),
        commands: [(Duration, PanTiltCommand)] = [], switchAt: Int? = nil
    ) throws -> [Step] {
        var steps: [Step] = []
        var pending = commands
        var motor = 0
        while true {
            let next = controller.nextStep
            if let (time, command) = pending.first, next == nil || time <= next!.at {
                pending.removeFirst()
                try controller.handle(command, at: time)
                continue
            }
            guard let next, next.at <= limit else { break }
            let active: Bool? = controller.axes[next.axis].settings.home == nil ? nil : switchAt.map { motor <= $0 }
            if case .step(let direction, let phase) = controller.step(next.axis, at: next.at, switchActive: active) {
                steps.append(Step(axis: next.axis, at: next.at, direction: direction, phase: phase))
                if next.axis == 0 { motor += direction }
            }
        }
        return steps
    }

    /// Speed of each step, from the time since the one before (steps per second).
    static func speeds(_ steps: [Step]) -> [Double] {
        zip(steps.dropFirst(), steps).map { 1 / ($0.at - $1.at).secondsValue }
    }

    /// Speeds are averages over one step each; between two of them lies half of each step's time.
    static func allowedChange(_ steps: [Step], _ index: Int, _ acceleration: Double) -> Double {
        let between = ((steps[index + 1].at - steps[index].at) + (steps[index].at - steps[index - 1].at)).secondsValue / 2
        return acceleration * between * 1.02 + 0.001
    }

    @Test("a 90° pan move ramps up, cruises at 30°/s, ramps down and stops exactly on the target")
    func rampedMove() throws {
        var controller = try Self.controller(saved: Self.known)
        try controller.handle(.absolute(pan: 90, tilt: nil), at: .zero)
        let steps = try Self.run(&controller)
        #expect(steps.count == 1024)
        #expect(steps.allSatisfy { $0.axis == 0 && $0.direction == 1 })
        #expect(controller.axes[0].steps == 1024)
        #expect(!controller.isBusy)
        let maxSpeed = 30 * 4096.0 / 360, acceleration = 90 * 4096.0 / 360
        let speeds = Self.speeds(steps)
        #expect(speeds.max()! <= maxSpeed * 1.001, "fastest step at \(speeds.max()!) steps/s")
        #expect(speeds.max()! >= maxSpeed * 0.99, "never reached the cruising speed")
        // Between consecutive steps the speed changes by at most what the acceleration allows.
        for index in speeds.indices.dropFirst() {
            let change = Self.allowedChange(steps, index, acceleration)
            #expect(abs(speeds[index] - speeds[index - 1]) <= change, "step \(index + 1): \(speeds[index - 1]) → \(speeds[index]) steps/s")
        }
        // Trapezoid: 1/3 s to reach 30°/s over 5°, 80° at 30°/s, 1/3 s to stop: 3.33 s.
        let duration = (steps.last!.at - steps.first!.at).secondsValue
        #expect(duration > 3.25 && duration < 3.4, "took \(duration) s")
        #expect(controller.status(presets: []).position == PanTiltPosition(pan: 90, tilt: 0))
    }

    @Test("the coils follow the half-step sequence from where the rotor stands, both ways")
    func coilSequence() throws {
        var controller = try Self.controller(saved: ["pan": SavedAxis(steps: 0, phase: 3, known: true, detail: "", steps_per_revolution: 4096)])
        try controller.handle(.relative(pan: 10 * 360 / 4096.0, tilt: 0), at: .zero)
        var steps = try Self.run(&controller)
        #expect(steps.map(\.phase) == Array(4...13))
        try controller.handle(.relative(pan: -10 * 360 / 4096.0, tilt: 0), at: .seconds(100))
        steps = try Self.run(&controller, until: .seconds(200))
        #expect(steps.map(\.phase) == Array((3...12).reversed()))
        #expect(CoilSequence.coils(atPhase: 4) == [0, 0, 1, 0])
        #expect(CoilSequence.coils(atPhase: -1) == [1, 0, 0, 1])
        #expect((0..<8).map { CoilSequence.coils(atPhase: $0).map(String.init).joined() }
                == ["1000", "1100", "0100", "0110", "0010", "0011", "0001", "1001"])
    }

    @Test("moves beyond the soft limits are refused and nothing moves", arguments: [
        PanTiltCommand.absolute(pan: 171, tilt: nil), .absolute(pan: nil, tilt: -46), .absolute(pan: 0, tilt: 91),
        .relative(pan: -180, tilt: 0),
    ])
    func softLimits(_ command: PanTiltCommand) throws {
        var controller = try Self.controller(saved: Self.known)
        #expect(throws: PanTiltError.self) { try controller.handle(command, at: .zero) }
        do {
            try controller.handle(command, at: .zero)
        } catch {
            #expect(error.code == .beyondLimits)
            #expect(error.description.contains("soft limits"), "\(error)")
        }
        #expect(controller.nextStep == nil && !controller.isBusy)
    }

    @Test("huge, infinite or NaN degrees are refused with a message and nothing moves, never a trap", arguments: [
        PanTiltCommand.absolute(pan: 1e300, tilt: nil), .absolute(pan: nil, tilt: -1e19), .absolute(pan: .infinity, tilt: nil),
        .absolute(pan: .nan, tilt: nil), .relative(pan: 1e300, tilt: 0), .relative(pan: 0, tilt: -.infinity), .relative(pan: .nan, tilt: 0),
    ])
    func hugeDegrees(_ command: PanTiltCommand) throws {
        var controller = try Self.controller(saved: Self.known)
        let error = try #require(throws: PanTiltError.self) { try controller.handle(command, at: .zero) }
        #expect(error.code == .beyondLimits || error.code == .invalid, "\(error)")
        #expect(controller.nextStep == nil && !controller.isBusy)
    }

    @Test("relative moves add up from the target in flight, so repeated arrow presses are not lost")
    func relativeFromTarget() throws {
        var controller = try Self.controller(saved: Self.known)
        _ = try Self.run(&controller, commands: [
            (.zero, .relative(pan: 10, tilt: 0)), (.milliseconds(100), .relative(pan: 10, tilt: 0)),
            (.milliseconds(200), .relative(pan: 10, tilt: 0)),
        ])
        // Within a step (0.09°) of 30°: each press adds 10° to the target, not to a rounded position.
        #expect(abs(controller.status(presets: []).position!.pan - 30) < 0.09)
        // The third press would end at 170° + 10°: refused, the camera stays within its limits.
        #expect(throws: PanTiltError.self) { try controller.handle(.relative(pan: 150, tilt: 0), at: .seconds(90)) }
    }

    @Test("a position the driver does not know refuses moves until homed or set")
    func unknownPosition() throws {
        var controller = try Self.controller()
        do {
            try controller.handle(.absolute(pan: 10, tilt: nil), at: .zero)
            Issue.record("moved with an unknown position")
        } catch {
            #expect(error.code == .positionUnknown)
            #expect(error.description.contains("never homed"), "\(error)")
        }
        // tilt has no switch: `home` cannot find it.
        #expect(throws: PanTiltError.self) { try controller.handle(.home, at: .zero) }
        try controller.handle(.setHome, at: .zero)
        try controller.handle(.absolute(pan: 1, tilt: 1), at: .zero)
        #expect(controller.isBusy)
    }

    @Test("a new move replaces the one in flight: the axis brakes, turns and ends on the new target")
    func replaceInFlight() throws {
        var controller = try Self.controller(saved: Self.known)
        let steps = try Self.run(&controller, commands: [(.zero, .absolute(pan: 90, tilt: nil)), (.seconds(1), .absolute(pan: -20, tilt: nil))])
        #expect(controller.axes[0].steps == Int((-20 * 4096 / 360.0).rounded()))
        let turn = try #require(steps.firstIndex { $0.direction == -1 })
        #expect(steps[turn].at > .seconds(1), "turned before braking")
        let acceleration = 90 * 4096.0 / 360
        let speeds = Self.speeds(steps)
        for index in speeds.indices.dropFirst() where index + 1 != turn {
            #expect(abs(speeds[index] - speeds[index - 1]) <= Self.allowedChange(steps, index, acceleration), "jerk at step \(index + 1)")
        }
    }

    @Test("stop halts within one step and keeps the count")
    func stop() throws {
        var controller = try Self.controller(saved: Self.known)
        let steps = try Self.run(&controller, commands: [(.zero, .absolute(pan: 90, tilt: 45)), (.milliseconds(700), .stop)])
        #expect(steps.allSatisfy { $0.at <= .milliseconds(700) })
        #expect(controller.nextStep == nil && !controller.isBusy)
        #expect(controller.axes[0].steps == steps.filter { $0.axis == 0 }.count)
        #expect(controller.axes[1].steps == steps.filter { $0.axis == 1 }.count)
        #expect(controller.axes[0].known)
    }

    @Test("homing: fast approach, back off, slow approach; the switch defines 0° wherever the axis started")
    func homing() throws {
        var controller = try Self.controller(Self.profile + "\ntilt_home = 9\n")
        // The pan switch trips 300 motor steps below where the axis stands; tilt's never trips here.
        try controller.handle(.home, at: .zero)
        #expect(controller.status(presets: []).activity == "homing: pan fast approach, tilt fast approach")
        var steps: [Step] = []
        var motor = 0
        var phases: [String] = []
        while let next = controller.nextStep, next.at < .seconds(60) {
            let active = next.axis == 0 ? motor <= -300 : motor > 100_000
            if case .step(let direction, let phase) = controller.step(next.axis, at: next.at, switchActive: active) {
                steps.append(Step(axis: next.axis, at: next.at, direction: direction, phase: phase))
                if next.axis == 0 { motor += direction }
            }
            if case .homing(let phase, _, _) = controller.axes[0].mode, phases.last != phase.rawValue { phases.append(phase.rawValue) }
        }
        #expect(phases == ["fast approach", "back off", "slow approach"], "\(phases)")
        #expect(controller.axes[0].known && controller.axes[0].steps == 0)
        // Ends where the switch trips on the slow pass: exactly one step past the edge.
        #expect(motor == -300)
        // Tilt's switch never came: homing gives up within its travel and says so.
        #expect(!controller.axes[1].known)
        #expect(controller.lastError?.contains("found no limit switch") == true, "\(controller.lastError ?? "")")
    }

    @Test("homing with the switch away from home: the axis goes on to 0°")
    func homeOffset() throws {
        var controller = try Self.controller(Self.profile + "\npan_home_position = -10\n")
        try controller.handle(.setHome, at: .zero)  // tilt known; pan homes
        try controller.handle(.home, at: .zero)
        _ = try Self.run(&controller, switchAt: -500)
        #expect(controller.axes[0].known)
        #expect(controller.axes[0].steps == 0)
        // 10° above the switch: -500 + 10° of steps, within a step.
        #expect(abs(controller.axes[0].phase - (-500 + Int(10 * 4096 / 360.0))) <= 1, "phase \(controller.axes[0].phase)")
    }

    @Test("the speed ramp alone: starts from rest, never exceeds the cap, stops on the target")
    func rampAlone() {
        var ramp = StepRamp(maxSpeed: 100, acceleration: 200)
        var position = 0
        var speeds: [Double] = []
        while let step = ramp.next(remaining: 50 - position) {
            position += step.direction
            speeds.append(1 / step.interval)
            #expect(speeds.count < 1000)
        }
        #expect(position == 50)
        #expect(speeds.max()! <= 100)
        #expect(speeds.first! == 10)  // the first step from rest averages half of √(2·200)
        #expect(!ramp.isMoving)
    }
}
