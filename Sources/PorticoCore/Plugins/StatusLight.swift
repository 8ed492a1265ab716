/// What a board's status LED says, from registration and the site: one look at the
/// camera tells whether pressing its switch did anything.
package enum StatusLight: String, Sendable, Equatable, Codable, CaseIterable {
    /// Not registered: waiting for the switch, or withdrawn.
    case idle
    /// Asking the router for a port.
    case registering
    /// Mapped: reachable from the internet on its own port.
    case registered
    /// Mapped on the fixed port: this camera serves the site's directory.
    case representative
    /// The router refused or did not answer; registration retries.
    case error

    /// On or off at `time` since the pattern began. Patterns differ in rhythm, not only
    /// in rate, so they can be told apart at a glance: off; slow blink; steady; steady
    /// with a short gap each second; fast blink.
    package func isOn(at time: Duration) -> Bool {
        let milliseconds = Int((time.components.seconds * 1000) + time.components.attoseconds / 1_000_000_000_000_000)
        switch self {
        case .idle: return false
        case .registering: return milliseconds % 1000 < 500
        case .registered: return true
        case .representative: return milliseconds % 1000 < 850
        case .error: return milliseconds % 200 < 100
        }
    }

    /// The name of the pattern, for `/state` and the README.
    package var pattern: String {
        switch self {
        case .idle: "off"
        case .registering: "blinking once a second"
        case .registered: "steady on"
        case .representative: "on, with a short gap each second"
        case .error: "blinking five times a second"
        }
    }
}
