/// Arrow buttons, home, stop and the profile's presets under the stream, on a board with
/// motors. Each button is a small form posting to `/api/ptz`, so it works without
/// JavaScript; `ptz.js` posts the same fields as JSON and stays on the page.
enum PanTiltControls {
    static func html(_ status: PanTiltStatus) -> String {
        let presets = status.presets.keys.sorted().map { PageTemplate.preset.render(["name": $0]) }.joined()
        return PageTemplate.panTilt.render(["presets": presets, "position": describe(status)])
    }

    static func describe(_ status: PanTiltStatus) -> String {
        guard let position = status.position else { return "position unknown: \(status.position_detail)" }
        return "pan \(position.pan)°, tilt \(position.tilt)° (\(status.activity))"
    }
}
