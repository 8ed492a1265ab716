/// A part of a running board that is started, stopped and replaced as one: what a
/// reload restarts when the profile sections it is made from change.
package enum BoardPiece: String, Sendable, CaseIterable, Comparable, CustomStringConvertible {
    // In the order a reload replaces them: the camera and the hardware first, then the
    // web server (which serves the camera's frames), then the mapping (which forwards
    // to the web server's port).
    case camera
    case panTilt = "pan_tilt"
    case registrationSwitch = "switch"
    case web = "http"
    /// Registration with the router; with `[election]`, the camera's part in its site.
    case mapping

    package var description: String {
        switch self {
        case .camera: "camera"
        case .panTilt: "pan/tilt"
        case .registrationSwitch: "registration switch"
        case .web: "web server"
        case .mapping: "mapping"
        }
    }

    package static func < (lhs: BoardPiece, rhs: BoardPiece) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}
