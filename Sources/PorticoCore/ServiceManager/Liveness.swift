/// Whether the daemon's working parts still make progress, for the service manager's
/// watchdog: `WATCHDOG=1` is sent only while this says so, so a camera pipeline or a
/// site loop that hangs gets the process restarted instead of a board that looks alive.
///
/// Pure: instants in, a verdict out.
package struct Liveness: Sendable, Equatable {
    /// A camera publishes at least twice a second (a NO SIGNAL frame when it has no
    /// picture), so this much silence means its pipeline is stuck, not idle.
    package static let cameraLimit: Duration = .seconds(10)
    /// The site loop turns every 20 ms.
    package static let siteLimit: Duration = .seconds(10)

    package enum Verdict: Sendable, Equatable {
        case alive
        case stuck(String)
    }

    /// `cameraSince`: how long since the camera last published, or since the daemon
    /// started if it never has; nil on a board without a camera. `siteSince` likewise for
    /// the site loop's last turn.
    package static func verdict(cameraSince: Duration?, siteSince: Duration?) -> Verdict {
        if let cameraSince, cameraSince > cameraLimit {
            return .stuck("the camera has published no frame for \(ProfileDuration.format(cameraSince))")
        }
        if let siteSince, siteSince > siteLimit {
            return .stuck("the site loop has not turned for \(ProfileDuration.format(siteSince))")
        }
        return .alive
    }
}
