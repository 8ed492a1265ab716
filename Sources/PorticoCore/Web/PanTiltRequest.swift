/// The body of `POST /api/ptz`, as a command for the driver.
///
///     {"command": "absolute", "pan": 30, "tilt": -5}   degrees from home; either may be left out
///     {"command": "relative", "pan": 5}                 degrees from where it points (or is heading)
///     {"command": "preset", "name": "door"}            a position named in [pan_tilt] presets
///     {"command": "home"}  {"command": "set_home"}  {"command": "stop"}
struct PanTiltRequest: Decodable {
    var command: String
    var pan: Double?
    var tilt: Double?
    var name: String?

    static let commands = ["absolute", "relative", "preset", "home", "set_home", "stop"]

    /// Farther than any camera turns, in one request; beyond it a number is a mistake or
    /// an attack, and drivers need not guard their arithmetic against 1e300.
    static let largestAngle = 3600.0

    /// The driver's command, or a message saying what is wrong with the request.
    func resolve(presets: [String: PanTiltPosition]) -> Result<PanTiltCommand, PanTiltError> {
        for (axis, value) in [("pan", pan), ("tilt", tilt)] {
            if let value, !(abs(value) <= Self.largestAngle) {
                return .failure(PanTiltError(.invalid, "\(axis) \(value) is not a number of degrees from -\(Int(Self.largestAngle)) to \(Int(Self.largestAngle))"))
            }
        }
        switch command {
        case "absolute":
            guard pan != nil || tilt != nil else { return .failure(PanTiltError(.invalid, "an absolute move needs pan, tilt or both, in degrees")) }
            return .success(.absolute(pan: pan, tilt: tilt))
        case "relative":
            guard pan != nil || tilt != nil else { return .failure(PanTiltError(.invalid, "a relative move needs pan, tilt or both, in degrees")) }
            return .success(.relative(pan: pan ?? 0, tilt: tilt ?? 0))
        case "preset":
            guard let name, let position = presets[name] else {
                let known = presets.keys.sorted()
                return .failure(PanTiltError(
                    .invalid, "no preset '\(name ?? "")'; "
                        + (known.isEmpty ? "the profile names none ([pan_tilt] presets)" : "presets: \(known.joined(separator: ", "))")))
            }
            return .success(.absolute(pan: position.pan, tilt: position.tilt))
        case "home": return .success(.home)
        case "set_home": return .success(.setHome)
        case "stop": return .success(.stop)
        default:
            return .failure(PanTiltError(.invalid, "unknown command '\(command)'; commands: \(Self.commands.joined(separator: ", "))"))
        }
    }
}
