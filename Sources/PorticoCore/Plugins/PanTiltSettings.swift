/// The `[pan_tilt]` keys every pan/tilt driver shares: the soft limits that keep the
/// camera off its end stops whichever motors move it, and the named positions the
/// page offers as buttons.
package struct PanTiltSettings: Sendable, Equatable, CustomStringConvertible {
    package var panLimits: ClosedRange<Double>
    package var tiltLimits: ClosedRange<Double>
    /// `presets = ["door=30,-5", "drive=-90,10"]`: name, pan and tilt in degrees.
    package var presets: [(name: String, position: PanTiltPosition)]

    package init(reading section: inout ProfileSection) {
        let pan = section.integers("pan_limits", in: -360...360, count: 2...2, default: [-170, 170]) ?? [-170, 170]
        let tilt = section.integers("tilt_limits", in: -180...180, count: 2...2, default: [-45, 90]) ?? [-45, 90]
        if pan[0] >= pan[1] { section.reject("pan_limits", .invalidValue, "lower limit is not below the upper", validChoices: ["[LOW, HIGH] with LOW < HIGH"]) }
        if tilt[0] >= tilt[1] { section.reject("tilt_limits", .invalidValue, "lower limit is not below the upper", validChoices: ["[LOW, HIGH] with LOW < HIGH"]) }
        panLimits = Double(min(pan[0], pan[1]))...Double(max(pan[0], pan[1]))
        tiltLimits = Double(min(tilt[0], tilt[1]))...Double(max(tilt[0], tilt[1]))
        presets = []
        for text in section.strings("presets", count: 0...32, default: []) ?? [] {
            guard let preset = Self.preset(parsing: text) else {
                section.reject("presets", .invalidValue, "'\(ProfileError.shortened(text))' is not a preset", validChoices: ["\"NAME=PAN,TILT\" in degrees, e.g. \"door=30,-5\""])
                continue
            }
            guard panLimits.contains(preset.position.pan), tiltLimits.contains(preset.position.tilt) else {
                section.reject("presets", .outOfRange, "preset '\(ProfileError.shortened(preset.name))' is beyond the soft limits", validChoices: ["pan within \(Self.format(panLimits)), tilt within \(Self.format(tiltLimits))"])
                continue
            }
            if presets.contains(where: { $0.name == preset.name }) {
                section.reject("presets", .invalidValue, "preset '\(ProfileError.shortened(preset.name))' is named twice")
                continue
            }
            presets.append(preset)
        }
    }

    static func preset(parsing text: String) -> (name: String, position: PanTiltPosition)? {
        let parts = text.split(separator: "=", maxSplits: 1)
        guard parts.count == 2 else { return nil }
        let name = parts[0].trimmingCharacters(in: " ")
        let angles = parts[1].split(separator: ",").map { Double($0.trimmingCharacters(in: " ")) }
        guard !name.isEmpty, name.count <= 32, angles.count == 2, let pan = angles[0], let tilt = angles[1],
              pan.isFinite, tilt.isFinite else { return nil }
        return (name, PanTiltPosition(pan: pan, tilt: tilt))
    }

    static func format(_ range: ClosedRange<Double>) -> String {
        "\(Int(range.lowerBound))…\(Int(range.upperBound))°"
    }

    package var description: String {
        "pan \(Self.format(panLimits)), tilt \(Self.format(tiltLimits))" + (presets.isEmpty ? "" : ", presets \(presets.map(\.name).joined(separator: ", "))")
    }

    package static func == (left: Self, right: Self) -> Bool {
        left.panLimits == right.panLimits && left.tiltLimits == right.tiltLimits
            && left.presets.map(\.name) == right.presets.map(\.name) && left.presets.map(\.position) == right.presets.map(\.position)
    }
}

extension Substring {
    fileprivate func trimmingCharacters(in set: Character) -> String {
        String(self.drop { $0 == set }.reversed().drop { $0 == set }.reversed())
    }
}
