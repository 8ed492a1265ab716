@testable import GPIOStepperPanTilt
import PorticoCore
import PorticoTestSupport
import Testing

/// The motors' position across restarts, and what the driver says when it cannot trust it.
@Suite("Pan/tilt position file")
struct PositionStoreTests {
    static func axes() throws -> [MotionController.Axis] {
        var controller = try MotionControllerTests.controller(saved: MotionControllerTests.known)
        try controller.handle(.absolute(pan: 45, tilt: -10), at: .zero)
        _ = try MotionControllerTests.run(&controller)
        return controller.axes
    }

    @Test("stored at rest, read back at the next start: the same steps and coil phase")
    func roundTrip() throws {
        let store = PositionStore(stateDirectory: try temporaryFolder())
        let axes = try Self.axes()
        try store.save(axes, moving: false)
        let loaded = store.load(for: axes.map(\.settings))
        #expect(loaded["pan"]?.steps == 512 && loaded["pan"]?.known == true)
        #expect(loaded["tilt"]?.steps == Int((-10 * 4096 / 360.0).rounded()))
        #expect(loaded["pan"]?.phase == axes[0].phase)
        let controller = try MotionControllerTests.controller(saved: loaded)
        #expect(controller.status(presets: []).position == PanTiltPosition(pan: 45, tilt: -10.02))  // -114 steps
    }

    @Test("a file still marked as moving (power cut mid-move) leaves the position unknown, saying why")
    func cutOff() throws {
        let store = PositionStore(stateDirectory: try temporaryFolder())
        let axes = try Self.axes()
        try store.save(axes, moving: true)
        let loaded = store.load(for: axes.map(\.settings))
        #expect(loaded["pan"]?.known == false)
        #expect(loaded["pan"]?.detail.contains("cut off") == true)
        let controller = try MotionControllerTests.controller(saved: loaded)
        let status = controller.status(presets: [])
        #expect(status.position == nil)
        #expect(status.position_detail.contains("cut off"), "\(status.position_detail)")
    }

    @Test("a garbled file, or one from another gearing, is not trusted")
    func untrusted() throws {
        let folder = try temporaryFolder()
        let store = PositionStore(stateDirectory: folder)
        let axes = try Self.axes()
        try AtomicFile.write(Array("{\"moving\": fal".utf8), to: folder + "/pan_tilt.json")
        let garbled = store.load(for: axes.map(\.settings))
        #expect(garbled["pan"]?.known == false && garbled["pan"]?.detail.contains("not readable") == true)
        try store.save(axes, moving: false)
        var geared = axes.map(\.settings)
        geared[0].stepsPerRevolution = 2048
        let changed = store.load(for: geared)
        #expect(changed["pan"]?.known == false && changed["pan"]?.detail.contains("changed from 4096 to 2048") == true)
        #expect(changed["tilt"]?.known == true)
    }

    @Test("no file yet: never homed")
    func fresh() throws {
        let store = PositionStore(stateDirectory: try temporaryFolder())
        #expect(store.load(for: try Self.axes().map(\.settings)).isEmpty)
        let status = try MotionControllerTests.controller().status(presets: [])
        #expect(status.position == nil && status.position_detail.contains("never homed"))
    }
}
