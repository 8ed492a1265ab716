import PorticoCore
import Testing

@testable import GPIOButtonSwitch

/// The switch's debounce in virtual time: edges and their kernel timestamps in, presses out.
@Suite("Registration switch debounce")
struct PressDetectorTests {
    /// Feeds `edges` (time, level after the edge) and advances the clock in 1 ms ticks to `end`.
    static func presses(_ edges: [(Int, Bool)], until end: Int, debounce: Int = 30, longPress: Int = 5000, initial: Bool = false)
        -> (presses: [(Int, SwitchPress)], detector: PressDetector)
    {
        var detector = PressDetector(debounce: .milliseconds(debounce), longPress: .milliseconds(longPress), level: initial, at: .zero)
        var found: [(Int, SwitchPress)] = []
        var pending = edges
        for now in 0...end {
            while let edge = pending.first, edge.0 <= now {
                pending.removeFirst()
                found += detector.edges(1, last: .milliseconds(edge.0), level: edge.1).map { (now, $0) }
            }
            found += detector.advance(to: .milliseconds(now)).map { (now, $0) }
        }
        return (found, detector)
    }

    @Test("a clean 100 ms press is one short press, reported when it ends")
    func cleanPress() {
        let result = Self.presses([(100, true), (200, false)], until: 1000)
        #expect(result.presses.map(\.1) == [.short])
        #expect(result.presses.first?.0 == 230)
    }

    @Test("contact bounce on both edges still makes exactly one press, and is counted")
    func bounce() {
        let bouncing: [(Int, Bool)] = [(100, true), (102, false), (104, true), (107, false), (109, true),
                                       (300, false), (303, true), (305, false)]
        let result = Self.presses(bouncing, until: 1000)
        #expect(result.presses.map(\.1) == [.short])
        #expect(result.detector.bounces == 6)
    }

    @Test("a pulse shorter than the debounce time is no press")
    func glitch() {
        #expect(Self.presses([(100, true), (120, false)], until: 1000).presses.isEmpty)
        #expect(Self.presses([(100, true), (125, false), (150, true), (170, false)], until: 1000).presses.isEmpty)
    }

    @Test("held for the long-press time: one long press while still held, nothing on release")
    func longPress() {
        let result = Self.presses([(100, true), (7000, false)], until: 8000)
        #expect(result.presses.map(\.1) == [.long])
        #expect(result.presses.first?.0 == 5100)
    }

    @Test("a button already held when watching starts is not a press")
    func heldAtStart() {
        let result = Self.presses([(500, false)], until: 8000, initial: true)
        #expect(result.presses.isEmpty)
        // The next press counts.
        let again = Self.presses([(500, false), (1000, true), (1100, false)], until: 2000, initial: true)
        #expect(again.presses.map(\.1) == [.short])
    }

    @Test("the next deadline is the settling edge, then the long press, then nothing")
    func deadlines() {
        var detector = PressDetector(debounce: .milliseconds(30), longPress: .seconds(5), level: false, at: .zero)
        #expect(detector.nextDeadline == nil)
        _ = detector.edges(1, last: .milliseconds(100), level: true)
        #expect(detector.nextDeadline == .milliseconds(130))
        _ = detector.advance(to: .milliseconds(130))
        #expect(detector.nextDeadline == .milliseconds(5100))
    }
}

@Suite("Status LED patterns")
struct StatusLightTests {
    static func pattern(_ light: StatusLight) -> String {
        stride(from: 0, to: 2000, by: 50).map { light.isOn(at: .milliseconds($0)) ? "#" : "." }.joined()
    }

    @Test("each state has its own rhythm")
    func patterns() {
        #expect(Self.pattern(.idle) == String(repeating: ".", count: 40))
        #expect(Self.pattern(.registered) == String(repeating: "#", count: 40))
        #expect(Self.pattern(.registering) == String(repeating: String(repeating: "#", count: 10) + String(repeating: ".", count: 10), count: 2))
        #expect(Self.pattern(.representative) == String(repeating: String(repeating: "#", count: 17) + "...", count: 2))
        #expect(Self.pattern(.error) == String(repeating: "##..", count: 10))
        #expect(Set(StatusLight.allCases.map(Self.pattern)).count == StatusLight.allCases.count)
    }
}
