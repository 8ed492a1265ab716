/// What a new profile changes on a running board: the sections that differ from the
/// running profile, and the pieces to restart for them, each piece only once and in
/// the order they are replaced. Pure: two profiles in, a plan out.
///
/// A piece restarts when a section it is made from changed, or when a piece it depends
/// on is replaced in a way it would notice:
///
/// | changed | restarts |
/// |---|---|
/// | `name`, `state_dir` (above the first section) | the mapping (it announces the name), pan/tilt (its position lives in `state_dir`); the name is read again |
/// | `[http]` | the web server; the mapping too when the port it forwards to changes |
/// | `[camera]` | the camera |
/// | `[mapping]`, `[election]` | the mapping (registration, or the camera's part in its site) |
/// | any of them, where the web server's `WebPieceInputs` change | the web server too (a camera come or gone, the fixed port's own listener needed or not, another LAN interface or inquiry interval) |
/// | `[pan_tilt]` | pan/tilt |
/// | `[switch]` | the registration switch |
///
/// Everything else runs on untouched: a camera section changed leaves every stream
/// client connected (the camera's frames keep going to the same viewers), and the
/// router's mapping is not given up for a new frame rate.
package struct ReloadPlan: Sendable, Equatable {
    /// Sorted; `""` stands for the keys above the first section.
    package var changedSections: [String]
    /// In the order they are replaced.
    package var restarts: [BoardPiece]
    /// The profile's `name` or `state_dir` changed: the camera's name is read again.
    package var readsNameAgain: Bool

    package var changesNothing: Bool { restarts.isEmpty && !readsNameAgain }

    /// `httpPortOverride` is the command line's `--http-port`, which stays in force over
    /// both profiles; with 0 every new web server listens on another free port.
    package static func between(_ running: Profile, _ new: Profile, httpPortOverride: Int? = nil) -> ReloadPlan {
        let changed = new.contents.changedSections(from: running.contents)
        var restarts: Set<BoardPiece> = []
        var readsNameAgain = false
        for section in changed {
            switch section {
            case "":
                readsNameAgain = true
                restarts.formUnion([.mapping, .panTilt])
            case "http":
                restarts.insert(.web)
                let portMoves = httpPortOverride == 0 || (httpPortOverride == nil && running.http.port != new.http.port)
                if portMoves { restarts.insert(.mapping) }
            case PluginFamilies.camera.section:
                restarts.insert(.camera)
            case PluginFamilies.mapping.section, PluginFamilies.election.section:
                restarts.insert(.mapping)
            case PluginFamilies.panTilt.section:
                restarts.insert(.panTilt)
            case PluginFamilies.registrationSwitch.section:
                restarts.insert(.registrationSwitch)
            default:
                // A valid profile has no other sections; should one be added without a
                // rule here, restarting everything is the safe reading.
                restarts.formUnion(BoardPiece.allCases)
            }
        }
        if !restarts.contains(.web) && WebPieceInputs(running) != WebPieceInputs(new) {
            restarts.insert(.web)
            // With --http-port 0 the new web server listens elsewhere: the mapping follows it.
            if httpPortOverride == 0 { restarts.insert(.mapping) }
        }
        return ReloadPlan(changedSections: changed, restarts: restarts.sorted(), readsNameAgain: readsNameAgain)
    }

    /// For the log: "[camera], [http] changed: restarting camera, web server".
    package var summary: String {
        if changesNothing { return "no section changed: nothing restarts" }
        let sections = changedSections.map { $0.isEmpty ? "the top-level keys" : "[\($0)]" }.joined(separator: ", ")
        let pieces = restarts.isEmpty ? "only the camera's name is read again" : "restarting \(restarts.map(\.description).joined(separator: ", "))"
        return "\(sections) changed: \(pieces)"
    }
}
