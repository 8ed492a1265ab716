/// The camera's own page: its name, its live stream and, on a board with motors, the
/// pan/tilt controls.
enum IndexPage {
    static func html(name: String, hasCamera: Bool, panTilt: PanTiltStatus? = nil) -> String {
        let title = Markup.escape(name)
        var main = hasCamera
            ? #"<img id="live" src="stream" alt="live stream of \#(title)">"#
            : #"<p class="absent">This board has no camera.</p>"#
        if let panTilt { main += PanTiltControls.html(panTilt) }
        return PageFrame.html(
            title: "\(title) · Portico",
            header: #"<h1>\#(title)</h1><a href="snapshot">snapshot</a><a href="stream">stream</a><a href="state">state</a>"#,
            main: main, style: panTilt == nil ? "" : PanTiltControls.style, script: panTilt == nil ? "" : PanTiltControls.script)
    }
}
