import GPIOLines
import PorticoCore

/// The `[switch]` keys of the gpio driver: where the button and the status LED are wired.
struct ButtonSettings: Sendable, Equatable {
    var chip: String
    var line: Int
    /// A button to ground (the usual wiring, with a pull-up) reads low while pressed.
    var activeLow: Bool
    var pull: GPIOPull
    var led: Int?
    var ledActiveLow: Bool
    var origin: ProfileOrigin

    init?(reading section: inout ProfileSection) {
        chip = section.string("chip", default: "gpiochip0") ?? "gpiochip0"
        let line = section.integer("line", in: 0...1023)
        activeLow = section.choice("active", from: ["low", "high"], default: "low") != "high"
        pull = section.choice("pull", from: GPIOPull.allCases.map(\.rawValue), default: GPIOPull.asIs.rawValue)
            .flatMap(GPIOPull.init(rawValue:)) ?? .asIs
        let led = section.integer("led", in: 0...1023, default: -1) ?? -1
        ledActiveLow = section.choice("led_active", from: ["low", "high"], default: "high") == "low"
        origin = ProfileOrigin(section: section, keys: ["chip", "line", "led"])
        if led >= 0, led == line {
            section.reject("led", .invalidValue, "the LED and the button cannot share line \(led)")
        }
        if led < 0, section.contains("led_active") {
            section.reject("led_active", .invalidValue, "there is no LED", validChoices: ["led = LINE"])
        }
        guard let line else { return nil }
        self.line = line
        self.led = led >= 0 ? led : nil
    }

    /// The profile key that names `line`, for messages about it.
    func key(naming line: Int?) -> String {
        switch line {
        case self.line: "line"
        case led where led != nil: "led"
        default: "chip"
        }
    }

    var summary: String {
        "\(chip) line \(line), active \(activeLow ? "low" : "high"), pull \(pull.rawValue)" + (led.map { ", LED on line \($0)" } ?? "")
    }
}
