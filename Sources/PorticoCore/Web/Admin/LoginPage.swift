/// The login form: plain HTML that works without JavaScript. Its password is exchanged
/// for a session cookie by `POST /login`.
enum LoginPage {
    static func html(next: String, message: String? = nil, loggedIn: Bool = false) -> String {
        let note = message.map { #"<p class="message" role="alert">\#(Markup.escape($0))</p>"# } ?? ""
        let main = loggedIn
            ? """
            <p>You are logged in as the admin.</p>
            <form method="post" action="/logout"><button type="submit">Log out</button></form>
            <p><a href="\(Markup.escape(next))">Back</a></p>
            """
            : """
            \(note)
            <form method="post" action="/login">
            <label for="password">Admin password</label>
            <input id="password" name="password" type="password" autocomplete="current-password" required autofocus maxlength="128">
            <input type="hidden" name="next" value="\(Markup.escape(next))">
            <button type="submit">Log in</button>
            </form>
            """
        return PageTemplate.login.render(["title": "Log in", "style": PageTemplate.style, "main": main])
    }

    /// Administration is not allowed from this client: why, and how to allow it.
    static func refused() -> String {
        PageTemplate.login.render([
            "title": "Administration not allowed from here", "style": PageTemplate.style,
            "main": "<p>\(Markup.escape(AdminReach.refusal))</p>",
        ])
    }

    /// `next` if it is a path on this camera, else the camera page: a login must never
    /// send the browser to another site (`//evil.example`, `/\evil.example` and
    /// absolute URLs are other sites to a browser).
    static func localPath(_ next: String?) -> String {
        guard let next, next.hasPrefix("/"), !next.hasPrefix("//"), !next.hasPrefix("/\\"), next.utf8.count <= 512,
              next.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7f && $0 != "\\" })
        else { return defaultPath }
        return next
    }

    /// Where a login or a form without a usable `next` or `Referer` goes back to.
    static let defaultPath = "/camera"
}
