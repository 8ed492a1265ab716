import GPIOLines
import Logging
import PorticoCore
import Synchronization

/// The registration switch on a GPIO input, watched by edge events, and an optional
/// status LED on an output.
///
/// Debounce is done here, in software, from the kernel's edge timestamps: libgpiod 1.6
/// (the v1 API) cannot ask the kernel to debounce, and few chips can. The thread sleeps
/// in the kernel until an edge or the next deadline (a settling level, a long press, the
/// LED's next change), so an idle button costs nothing.
package final class GPIOButtonSwitch: RegistrationSwitch {
    package static let plugin = Plugin<SwitchSettings, any RegistrationSwitch>(
        name: "gpio", summary: "a button on a GPIO input (edge events, debounced) and an optional status LED, via libgpiod"
    ) { section, settings in
        guard let button = ButtonSettings(reading: &section) else { return nil }
        return GPIOButtonSwitch(button: button, settings: settings)
    }

    let button: ButtonSettings
    let settings: SwitchSettings
    private let shared = Mutex(SwitchStatus())

    init(button: ButtonSettings, settings: SwitchSettings) {
        self.button = button
        self.settings = settings
    }

    package var status: SwitchStatus { shared.withLock { $0 } }

    package func run(
        onPress: @escaping @Sendable (SwitchPress) -> Void, light: @escaping @Sendable () -> StatusLight, logger: Logger
    ) async throws {
        let input: GPIOInput
        let led: GPIOOutputs?
        do {
            let chip = try GPIOChip(opening: button.chip)
            input = try chip.requestEdges(button.line, activeLow: button.activeLow, pull: button.pull, consumer: "portico-switch")
            led = try button.led.map { (line) throws(GPIOError) in try chip.requestOutputs([line], consumer: "portico-led") }
        } catch {
            throw button.origin.problem(button.key(naming: error.line), error.description)
        }
        logger.info("registration switch ready", metadata: ["settings": "\(button.summary), \(settings)"])
        try await DedicatedThread.run(name: "switch") { stop in
            self.watch(input, led: led, onPress: onPress, light: light, stop: stop, logger: logger)
        }
    }

    private func watch(
        _ input: GPIOInput, led: GPIOOutputs?, onPress: @Sendable (SwitchPress) -> Void,
        light: @Sendable () -> StatusLight, stop: StopFlag, logger: Logger
    ) {
        func now() -> Duration { MonotonicClock.now }
        let started = now()
        var detector = PressDetector(
            debounce: settings.debounce, longPress: settings.longPress, level: (try? input.isActive()) ?? false, at: started)
        var ledOn: Bool?
        var failed = false
        while !stop.isSet {
            // The LED changes at most every 50 ms; the stop flag is checked every 100 ms.
            var wait: Duration = led == nil ? .milliseconds(100) : .milliseconds(50)
            if let deadline = detector.nextDeadline { wait = min(wait, max(.zero, deadline - now())) }
            var presses: [SwitchPress] = []
            do {
                let stamps = try input.edges(within: wait)
                if let last = stamps.last {
                    presses += detector.edges(stamps.count, last: .nanoseconds(Int64(last)), level: try input.isActive())
                }
                if failed {
                    failed = false
                    shared.withLock { $0.last_error = nil }
                }
            } catch {
                if !failed { logger.error("cannot read the registration switch", metadata: ["error": "\(error)"]) }
                failed = true
                shared.withLock { $0.last_error = error.description }
                _ = stop.sleep(until: .now + .milliseconds(500))
            }
            presses += detector.advance(to: now())
            for press in presses {
                logger.notice(press == .short ? "switch pressed: registering" : "switch held: withdrawing")
                shared.withLock { status in
                    if press == .short { status.presses += 1 } else { status.long_presses += 1 }
                    status.last_press = press
                }
                onPress(press)
            }
            let shown = led.map { _ in light() }
            shared.withLock { status in
                status.held = detector.held
                status.bounces = detector.bounces
                status.light = shown
            }
            if let led, let shown {
                let on = shown.isOn(at: now() - started)
                if on != ledOn {
                    // The LED is wired active high unless the profile says otherwise.
                    try? led.set([on != button.ledActiveLow ? 1 : 0])
                    ledOn = on
                }
            }
        }
        try? led?.set([button.ledActiveLow ? 1 : 0])
    }

    package func checkHardware() -> HardwareCheck? {
        var lines = [GPIOLineCheck.Wanted(role: "switch button", key: "line", offset: button.line)]
        if let led = button.led { lines.append(.init(role: "status LED", key: "led", offset: led)) }
        return GPIOLineCheck.check(chip: button.chip, lines: lines, origin: button.origin)
    }
}
