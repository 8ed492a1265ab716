#if canImport(Glibc)
import Glibc
#endif
import FoundationEssentials
import PorticoCore
import PorticoTestSupport

/// The simulator side of the virtual board's gpio-sim chip: what Portico drives on each
/// line, and the pulls that stand in for a switch being pressed or released.
enum GPIOSimulator {
    static var folder: String {
        getenv("PORTICO_VBOARD_GPIOSIM").map { String(cString: $0) } ?? "/sys/devices/platform/gpio-sim.0/gpiochip0"
    }

    /// The level on `line`: what an output drives, or the pull on a free input.
    static func value(_ line: Int) throws -> Int {
        let text = try Repository.readAbsolute("\(folder)/sim_gpio\(line)/value")
        return text.hasPrefix("1") ? 1 : 0
    }

    /// The four coils of a unipolar motor as "1000"-style text, A first.
    static func coils(_ lines: [Int]) throws -> String {
        try lines.map { String(try value($0)) }.joined()
    }

    /// A switch wired to ground, active low: pressed pulls the line down.
    static func press(_ line: Int) throws { try VirtualBoard.write("pull-down", to: "\(folder)/sim_gpio\(line)/pull") }
    static func release(_ line: Int) throws { try VirtualBoard.write("pull-up", to: "\(folder)/sim_gpio\(line)/pull") }

    /// Samples `lines` every `interval` for `duration`, keeping each change of pattern.
    static func record(_ lines: [Int], for duration: Duration, every interval: Duration = .milliseconds(5)) throws -> [String] {
        var patterns: [String] = []
        let end = ContinuousClock.now + duration
        while ContinuousClock.now < end {
            let pattern = try coils(lines)
            if patterns.last != pattern { patterns.append(pattern) }
            usleep(UInt32(interval.secondsValue * 1_000_000))
        }
        return patterns
    }
}
