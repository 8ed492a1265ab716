/// The `[pan_tilt]` keys every pan/tilt driver shares: the soft limits that keep the
/// camera off its end stops whichever motors move it.
public struct PanTiltSettings: Sendable, Equatable, CustomStringConvertible {
    public var panLimits: ClosedRange<Double>
    public var tiltLimits: ClosedRange<Double>

    public init(reading section: inout ProfileSection) {
        let pan = section.integers("pan_limits", in: -360...360, count: 2...2, default: [-170, 170]) ?? [-170, 170]
        let tilt = section.integers("tilt_limits", in: -180...180, count: 2...2, default: [-45, 90]) ?? [-45, 90]
        if pan[0] >= pan[1] { section.reject("pan_limits", .invalidValue, "lower limit is not below the upper", validChoices: ["[LOW, HIGH] with LOW < HIGH"]) }
        if tilt[0] >= tilt[1] { section.reject("tilt_limits", .invalidValue, "lower limit is not below the upper", validChoices: ["[LOW, HIGH] with LOW < HIGH"]) }
        panLimits = Double(min(pan[0], pan[1]))...Double(max(pan[0], pan[1]))
        tiltLimits = Double(min(tilt[0], tilt[1]))...Double(max(tilt[0], tilt[1]))
    }

    public var description: String {
        "pan \(Int(panLimits.lowerBound))…\(Int(panLimits.upperBound))°, tilt \(Int(tiltLimits.lowerBound))…\(Int(tiltLimits.upperBound))°"
    }
}
