/// A camera's own page (`/camera` on every camera, and `/` on all but the
/// representative): its status, the stream with fullscreen and snapshot, the motors on a
/// board that has them, a way back to all cameras, and the admin's settings.
enum CameraPage {
    struct Content {
        var name: String
        var state: StateReport
        /// Where "all cameras" is for this viewer; nil when no representative is known.
        var allCameras: String?
        /// This page's own path, for the login form to come back to.
        var path: String
        var panTilt: PanTiltStatus?
        var admin: Admin = .loggedOut
    }

    /// What the settings panel offers this viewer.
    enum Admin {
        case loggedIn
        case loggedOut
        /// `[http] admin_from` keeps this client from administering at all.
        case notFromHere
    }

    static func html(_ content: Content) -> String {
        let camera = content.state.camera
        let view = camera.map {
            PageTemplate.cameraView.render(["name": content.name, "width": String($0.width), "height": String($0.height)])
        } ?? #"<p class="note">This board has no camera.</p>"#
        let back = content.allCameras.map { #"<a class="button" id="back" href="\#(Markup.escape($0))">← All cameras</a>"# } ?? ""
        let maps = content.state.pieces.contains { $0.section == "mapping" && $0.status == "started" }
        let scripts = PageTemplate.cameraScript + (content.panTilt == nil ? "" : "\n" + PageTemplate.panTiltScript)
        return PageTemplate.camera.render([
            "name": content.name,
            "style": PageTemplate.style,
            "script": scripts,
            "back": back,
            "view": view,
            "signal": camera?.signal ?? "no-camera",
            "signal_text": camera.map { signalText($0.signal) } ?? "no camera",
            "signal_detail": camera?.signal_detail ?? "no [camera] section in the profile",
            "size": camera?.size ?? "–",
            "fps": camera.map { "\(formatted($0.published_fps)) fps (of \($0.fps))" } ?? "–",
            "viewers": camera.map { String($0.stream_clients) } ?? "–",
            "role": content.state.site.map { $0.role.rawValue } ?? (maps ? "own port only" : "not registered"),
            "pan_tilt": content.panTilt.map(PanTiltControls.html) ?? "",
            "registration": maps ? PageTemplate.registration.render([:]) : "",
            "here": content.path,
            "account": account(content.admin, here: content.path),
            // From where administration is refused, the forms would only lead to a 403.
            "forms_hidden": content.admin == .notFromHere ? " hidden" : "",
        ])
    }

    static func account(_ admin: Admin, here: String) -> String {
        switch admin {
        case .loggedIn:
            #"<form method="post" action="/logout"><button type="submit">Log out</button> <span class="note">Logged in as the admin.</span></form>"#
        case .loggedOut:
            #"<p><a class="button" href="/login?next=\#(Markup.escape(here))">Log in</a> <span class="note">to change settings (admin password).</span></p>"#
        case .notFromHere:
            #"<p class="note">\#(Markup.escape(AdminReach.refusal))</p>"#
        }
    }

    static func signalText(_ signal: String) -> String {
        switch signal {
        case "live": "live"
        case "no-signal": "no signal"
        default: signal
        }
    }

    static func formatted(_ fps: Double) -> String {
        guard fps.isFinite, fps >= 0, fps < 10_000 else { return "0.0" }
        let tenths = Int((fps * 10).rounded())
        return "\(tenths / 10).\(tenths % 10)"
    }
}
