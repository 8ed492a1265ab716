#if canImport(Glibc)
import Glibc
#endif
import FoundationEssentials
import PorticoCore
import PorticoTestSupport
import Testing

@testable import GPIOStepperPanTilt

/// The motors and the registration switch against the virtual board's real gpio-sim
/// lines, through the real `portico run`. Run by `scripts/test-board`; skipped elsewhere.
///
/// Wiring as in board/virtual/profile.toml: pan coils 0-3, tilt coils 4-7, pan limit
/// switch 8, button 10, LED 11.
@Suite("GPIO motors and switch on the virtual board", .serialized, .tags(.board), .enabled(if: VirtualBoard.isInside, "needs the virtual board (scripts/test-board)"))
struct GPIOBoardTests {
    static let pan = [0, 1, 2, 3]
    static let tilt = [4, 5, 6, 7]
    static let password = "board-test-pass"

    /// A board with motors where one half-step is one degree, slow enough (4 steps/s)
    /// for the test to see every coil pattern on the simulator side.
    static func motorProfile(state: String, extra: String = "") -> String {
        """
        name = "vboard-gpio"
        state_dir = "\(state)"
        [http]
        admin_file = "\(state)/admin"
        [pan_tilt]
        driver = "gpio-stepper"
        chip = "portico-sim"
        pan_coils = [0, 1, 2, 3]
        tilt_coils = [4, 5, 6, 7]
        pan_steps_per_revolution = 360
        tilt_steps_per_revolution = 360
        speed = 4
        acceleration = 100
        pan_limits = [-90, 90]
        tilt_limits = [-30, 30]
        presets = ["door=20,-5"]
        \(extra)
        """
    }

    static func start(_ profile: String, state: String) throws -> ServerProcess {
        try AdminCredential(password: password, iterations: 2_000).save(to: state + "/admin")
        let server = try ServerProcess(profile: profile)
        try server.waitUntilReady()
        return server
    }

    /// A motor board started with where the camera points taken as home.
    static func startAtHome(state: String, profile: String? = nil) throws -> ServerProcess {
        let server = try start(profile ?? motorProfile(state: state), state: state)
        let reply = try ptz(server, #"{"command": "set_home"}"#)
        guard reply.status == 202 else { throw TestFailure("set_home answered \(reply.status): \(reply.text)") }
        return server
    }

    static func ptz(_ server: ServerProcess, _ body: String, password: String? = Self.password) throws -> LoopbackHTTPClient.Reply {
        try AdminTests.post(server.port, "/api/ptz", password: password, body: body)
    }

    static func state(_ server: ServerProcess) throws -> StateReport {
        try VirtualBoard.state(port: server.port)
    }

    /// Polls `/state` until `condition` holds.
    static func wait(
        _ server: ServerProcess, within limit: Duration = .seconds(20), for what: String, _ condition: (StateReport) -> Bool
    ) throws -> StateReport {
        let deadline = ContinuousClock.now + limit
        var last: StateReport?
        while ContinuousClock.now < deadline {
            let state = try Self.state(server)
            if condition(state) { return state }
            last = state
            usleep(20_000)
        }
        throw TestFailure("\(what) did not happen within \(limit); pan_tilt: \(String(describing: last?.pan_tilt)); switch: \(String(describing: last?.switch))")
    }

    @Test("a pan move of 12 half-steps: the coils show the exact sequence, then go dark; /state and the stored position agree")
    func coilSequence() async throws {
        let state = try temporaryFolder()
        let server = try Self.start(Self.motorProfile(state: state), state: state)
        defer { server.stop() }
        try await blocking { () throws in
            #expect(try Self.state(server).pan_tilt?.position == nil, "a fresh board knows no position")
            #expect(try Self.ptz(server, #"{"command": "set_home"}"#).status == 202)
            #expect(try GPIOSimulator.coils(Self.pan + Self.tilt) == "00000000", "coils are off at rest")
            let reply = try Self.ptz(server, #"{"command": "absolute", "pan": 12}"#)
            #expect(reply.status == 202, "\(reply.text)")
            // The first step is taken as the move is accepted; each next one 250 ms later.
            let seen = try GPIOSimulator.record(Self.pan + Self.tilt, for: .seconds(5))
            let expected = (1...12).map { CoilSequence.halfSteps[$0 % 8].map(String.init).joined() + "0000" } + ["00000000"]
            #expect(seen == expected)
            let after = try Self.state(server).pan_tilt
            #expect(after?.position == PanTiltPosition(pan: 12, tilt: 0))
            #expect(after?.pan_steps == 12 && after?.moving == false)
        }
        server.stop()
        // The next start knows where the camera points.
        let again = try Self.start(Self.motorProfile(state: state), state: state)
        defer { again.stop() }
        try await blocking { () throws in
            let known = try Self.state(again).pan_tilt
            #expect(known?.position == PanTiltPosition(pan: 12, tilt: 0), "\(String(describing: known))")
        }
    }

    @Test("killed in mid-move, the next start says the position is not known")
    func cutOff() async throws {
        let state = try temporaryFolder()
        let server = try Self.startAtHome(state: state)
        try await blocking { () throws in
            #expect(try Self.ptz(server, #"{"command": "absolute", "pan": 60}"#).status == 202)
            usleep(800_000)
        }
        kill(server.pid, SIGKILL)
        server.stop()
        let again = try Self.start(Self.motorProfile(state: state), state: state)
        defer { again.stop() }
        try await blocking { () throws in
            let status = try #require(try Self.state(again).pan_tilt)
            #expect(status.position == nil)
            #expect(status.position_detail.contains("cut off"), "\(status.position_detail)")
            let refused = try Self.ptz(again, #"{"command": "absolute", "pan": 10}"#)
            #expect(refused.status == 409 && refused.text.contains("set_home"), "\(refused.text)")
        }
    }

    @Test("a state folder that cannot be written: the camera still moves, and /state says the position is not being kept")
    func unwritableState() async throws {
        let state = try temporaryFolder()
        let profile = Self.motorProfile(state: state).replacing("state_dir = \"\(state)\"", with: "state_dir = \"/proc/portico-nowhere\"")
        let server = try Self.startAtHome(state: state, profile: profile)
        defer { server.stop() }
        try await blocking { () throws in
            #expect(try Self.ptz(server, #"{"command": "relative", "pan": 2}"#).status == 202)
            let done = try Self.wait(server, for: "the move to end") { $0.pan_tilt?.moving == false && $0.pan_tilt?.pan_steps == 2 }
            #expect(done.pan_tilt?.last_error?.contains("cannot store the position") == true, "\(String(describing: done.pan_tilt?.last_error))")
        }
    }

    @Test("without the admin password: 401 and no line changes; beyond the soft limits: 422 and none either")
    func refusedMoves() async throws {
        let state = try temporaryFolder()
        let server = try Self.startAtHome(state: state)
        defer { server.stop() }
        try await blocking { () throws in
            for password in [nil, "wrong-password"] {
                let reply = try Self.ptz(server, #"{"command": "absolute", "pan": 30}"#, password: password)
                #expect(reply.status == 401)
            }
            let beyond = try Self.ptz(server, #"{"command": "relative", "pan": 95}"#)
            #expect(beyond.status == 422 && beyond.text.contains("soft limits"), "\(beyond.text)")
            let unknown = try Self.ptz(server, #"{"command": "preset", "name": "garage"}"#)
            #expect(unknown.status == 400 && unknown.text.contains("presets: door"), "\(unknown.text)")
            let garbage = try Self.ptz(server, "pan=10")
            #expect(garbage.status == 400)
            // The page offers the arrows, home, stop and the presets.
            let page = try LoopbackHTTPClient.get(port: server.port, path: "/").text
            #expect(page.contains(#"<section id="ptz">"#) && page.contains(#"<input type="hidden" name="name" value="door">"#)
                && page.contains(#"name="command" value="stop""#))
            #expect(try GPIOSimulator.record(Self.pan + Self.tilt, for: .seconds(1)) == ["00000000"])
            #expect(try Self.state(server).pan_tilt?.position == PanTiltPosition(pan: 0, tilt: 0))
        }
    }

    @Test("stop halts within one step period and the lines go dark")
    func stop() async throws {
        let state = try temporaryFolder()
        let server = try Self.startAtHome(state: state)
        defer { server.stop() }
        try await blocking { () throws in
            #expect(try Self.ptz(server, #"{"command": "absolute", "pan": 80, "tilt": 20}"#).status == 202)
            usleep(1_200_000)
            let stopped = try Self.ptz(server, #"{"command": "stop"}"#)
            #expect(stopped.status == 202)
            let at = try Self.state(server).pan_tilt?.pan_steps ?? -1
            // One step at 4 steps/s is 250 ms: by then the coils are off and nothing moves.
            usleep(250_000)
            #expect(try GPIOSimulator.record(Self.pan + Self.tilt, for: .seconds(1)) == ["00000000"])
            let after = try #require(try Self.state(server).pan_tilt)
            #expect(after.pan_steps == at && !after.moving && at > 0 && at < 80, "stopped at \(at), then \(String(describing: after.pan_steps))")
        }
    }

    @Test("at full speed (4096 half-steps a turn, 60°/s) a move ends on its step and the coils go dark")
    func fullSpeed() async throws {
        let state = try temporaryFolder()
        let profile = Self.motorProfile(state: state)
            .replacing("_steps_per_revolution = 360", with: "_steps_per_revolution = 4096")
            .replacing("speed = 4\n", with: "speed = 60\n")
        let server = try Self.startAtHome(state: state, profile: profile)
        defer { server.stop() }
        try await blocking { () throws in
            #expect(try Self.ptz(server, #"{"command": "absolute", "pan": 45, "tilt": -20}"#).status == 202)
            let done = try Self.wait(server, for: "the move to end") { $0.pan_tilt?.moving == false }
            #expect(done.pan_tilt?.pan_steps == 512 && done.pan_tilt?.tilt_steps == Int((-20 * 4096 / 360.0).rounded()))
            #expect(done.pan_tilt?.position == PanTiltPosition(pan: 45, tilt: -20.04))
            #expect(try GPIOSimulator.coils(Self.pan + Self.tilt) == "00000000")
        }
    }

    @Test("a step/dir driver: dir follows the direction, enable (active low) is held only while moving")
    func stepDir() async throws {
        let state = try temporaryFolder()
        let profile = """
            name = "vboard-stepdir"
            state_dir = "\(state)"
            [http]
            admin_file = "\(state)/admin"
            [pan_tilt]
            driver = "gpio-stepper"
            chip = "portico-sim"
            pan_step = 12
            pan_dir = 13
            pan_enable = 14
            pan_steps_per_revolution = 360
            speed = 4
            acceleration = 100
            """
        let server = try Self.startAtHome(state: state, profile: profile)
        defer { server.stop() }
        try await blocking { () throws in
            #expect(try GPIOSimulator.value(14) == 1, "disabled at rest")
            #expect(try Self.ptz(server, #"{"command": "relative", "pan": 3}"#).status == 202)
            usleep(300_000)
            #expect(try GPIOSimulator.value(14) == 0 && GPIOSimulator.value(13) == 1, "enabled, turning positive")
            _ = try Self.wait(server, for: "the move to end") { $0.pan_tilt?.moving == false }
            #expect(try GPIOSimulator.value(14) == 1 && GPIOSimulator.value(12) == 0, "disabled again, step low")
            #expect(try Self.ptz(server, #"{"command": "relative", "pan": -2}"#).status == 202)
            usleep(300_000)
            #expect(try GPIOSimulator.value(13) == 0, "turning negative")
            let done = try Self.wait(server, for: "the second move to end") { $0.pan_tilt?.moving == false }
            #expect(done.pan_tilt?.pan_steps == 1)
        }
    }

    @Test("homing: fast approach onto the switch, back off until it lets go, slow approach: ends at 0°")
    func homing() async throws {
        let state = try temporaryFolder()
        try GPIOSimulator.release(8)
        let profile = Self.motorProfile(state: state, extra: """
            pan_home = 8
            pan_home_pull = "up"
            homing_speed = 20
            homing_slow_speed = 5
            homing_back_off = 3
            """)
        let server = try Self.startAtHome(state: state, profile: profile)  // tilt: no switch; pan homes below
        defer { server.stop() }
        try await blocking { () throws in
            defer { try? GPIOSimulator.release(8) }
            #expect(try Self.ptz(server, #"{"command": "relative", "pan": 5}"#).status == 202)
            _ = try Self.wait(server, for: "the first move") { $0.pan_tilt?.moving == false && $0.pan_tilt?.pan_steps == 5 }
            #expect(try Self.ptz(server, #"{"command": "home"}"#).status == 202)
            _ = try Self.wait(server, for: "the fast approach") { $0.pan_tilt?.activity == "homing: fast approach" }
            usleep(400_000)
            try GPIOSimulator.press(8)
            _ = try Self.wait(server, for: "backing off") { $0.pan_tilt?.activity == "homing: back off" }
            usleep(300_000)
            try GPIOSimulator.release(8)
            _ = try Self.wait(server, for: "the slow approach") { $0.pan_tilt?.activity == "homing: slow approach" }
            usleep(300_000)
            try GPIOSimulator.press(8)
            let homed = try Self.wait(server, for: "homing to end") { $0.pan_tilt?.activity == "idle" }
            #expect(homed.pan_tilt?.position == PanTiltPosition(pan: 0, tilt: 0))
            #expect(homed.pan_tilt?.position_detail.contains("homed against its limit switch") == true)
            #expect(homed.pan_tilt?.last_error == nil)
        }
    }

    /// A board whose registration waits for the button; the mapping backend tries a
    /// router that is not there (the board has only loopback), which is enough to see
    /// registration start and the LED say "error".
    static func switchProfile(state: String) -> String {
        """
        name = "vboard-switch"
        state_dir = "\(state)"
        [mapping]
        backend = "natpmp"
        interface = "lo"
        register = "switch"
        timeout = "200ms"
        [switch]
        driver = "gpio"
        chip = "portico-sim"
        line = 10
        pull = "up"
        debounce = "30ms"
        long_press = "1500ms"
        led = 11
        """
    }

    @Test("a press registers exactly once; bounces shorter than the debounce do nothing; a long press withdraws; the LED follows")
    func button() async throws {
        let state = try temporaryFolder()
        try GPIOSimulator.release(10)
        let server = try Self.start(Self.switchProfile(state: state), state: state)
        defer { server.stop() }
        try await blocking { () throws in
            let before = try Self.wait(server, for: "registration to wait for the switch") { $0.mapping?.phase == .idle }
            #expect(before.mapping?.starts == 0 && before.switch?.presses == 0)
            #expect(try GPIOSimulator.value(11) == 0, "the LED is off before registering")

            // Bounces: pulses of 10 ms, well under the 30 ms debounce.
            for _ in 0..<3 {
                try GPIOSimulator.press(10)
                usleep(10_000)
                try GPIOSimulator.release(10)
                usleep(100_000)
            }
            usleep(300_000)
            let bounced = try Self.state(server)
            #expect(bounced.switch?.presses == 0 && bounced.mapping?.starts == 0, "\(String(describing: bounced.switch))")

            try GPIOSimulator.press(10)
            usleep(150_000)
            try GPIOSimulator.release(10)
            let pressed = try Self.wait(server, for: "the press to register") { $0.mapping?.phase != .idle }
            #expect(pressed.switch?.presses == 1 && pressed.mapping?.starts == 1)
            usleep(500_000)
            #expect(try Self.state(server).mapping?.starts == 1, "one press, one registration")

            // No router answers: the LED blinks the error pattern, five times a second.
            let led = try GPIOSimulator.record([11], for: .seconds(1), every: .milliseconds(10))
            #expect(led.count >= 6, "LED changes in one second: \(led)")

            try GPIOSimulator.press(10)
            let held = try Self.wait(server, within: .seconds(5), for: "the long press to withdraw") { $0.mapping?.phase == .idle }
            try GPIOSimulator.release(10)
            #expect(held.switch?.long_presses == 1 && held.switch?.presses == 1)
            usleep(300_000)
            let after = try Self.state(server)
            #expect(after.switch?.presses == 1 && after.mapping?.starts == 1 && after.mapping?.phase == .idle)
            #expect(try GPIOSimulator.record([11], for: .milliseconds(500)) == ["0"], "the LED is off once withdrawn")
        }
    }

    @Test("a line another program holds: probe names it, and run refuses to start with the same words")
    func busyLine() async throws {
        let state = try temporaryFolder()
        let holder = try Subprocess(["--mode=signal", "portico-sim", "10=1"], executable: "/usr/bin/gpioset")
        defer {
            holder.signal(SIGTERM)
            _ = try? holder.wait(timeout: .seconds(5))
        }
        usleep(300_000)
        let profile = state + "/profile.toml"
        try AtomicFile.write(Array(Self.switchProfile(state: state).utf8), to: profile)
        let probe = try Subprocess.run(["probe", "--profile", profile])
        #expect(probe.status == 2)
        #expect(probe.output.contains("switch button: line 10: in use by 'gpioset'"), "\(probe.output)")
        #expect(probe.error.contains("\(profile):11:8: switch.line: line 10 of gpiochip0 [portico-sim] is in use by 'gpioset'"), "\(probe.error)")
        let run = try Subprocess.run(["run", "--profile", profile, "--http-port", "0"], timeout: .seconds(20))
        #expect(run.status == 2)
        #expect(run.error.contains("switch.line: line 10 of gpiochip0 [portico-sim] is in use by 'gpioset'"), "\(run.error)")
        #expect(run.error.contains("nothing was started"))
    }
}
