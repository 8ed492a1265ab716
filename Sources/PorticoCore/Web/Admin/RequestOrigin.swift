/// Where a browser says a request comes from, against where it was sent: the rule that
/// keeps another site's page from changing the camera with the admin's credentials.
///
/// A browser attaches the admin's cookie (and Basic credentials it remembers) to any
/// request for this camera, including a form or a `text/plain` fetch that a page on
/// another site makes. `SameSite=Strict` keeps the cookie off those in current
/// browsers; this check holds where that does not (older browsers, another camera's
/// page on the same host name but another port, which is "same-site" to a browser).
/// Browsers send `Origin` with every POST, and `Referer` on most requests; a page
/// cannot forge either, nor `Sec-Fetch-Site`.
///
/// The origin must equal `scheme://Host` exactly: the scheme the browser used, the host
/// and the port it sent the request to. The scheme is `http` unless the request came
/// through the TLS proxy the profile names, which says the browser used `https`
/// (`RequestClient`); its `Host` is the browser's, passed on (`Host $http_host` in nginx,
/// caddy's default). Accepting an `https://` origin for any plain request whose host
/// matches would be looser than needed: `https://host` (port 443) is another origin
/// than `http://host` (port 80), possibly another server, and only the proxy knows
/// which one the browser spoke to.
enum RequestOrigin: Equatable, Sendable {
    /// `Origin` (or, without it, `Referer`) names the host the request was sent to.
    case sameOrigin
    /// It names another origin, or the browser says the request is cross-site: refused
    /// whatever credentials come with it.
    case foreign(String)
    /// Neither header: a script (curl, `portico register`), or a browser that strips
    /// both. Basic auth may pass; a session cookie may not.
    case unstated

    /// `host` is the request's `Host` (the authority it was sent to); `scheme` how the
    /// browser sent it.
    static func of(
        host: String?, scheme: RequestClient.Scheme = .http, origin: String?, referer: String?, fetchSite: String?
    ) -> RequestOrigin {
        if let fetchSite, fetchSite.lowercased() == "cross-site" {
            return .foreign("the browser marked the request cross-site")
        }
        let claimed: (header: String, origin: String?)
        if let origin {
            claimed = ("Origin", Self.normalized(origin: origin))
        } else if let referer {
            claimed = ("Referer", Self.origin(ofURL: referer))
        } else {
            return .unstated
        }
        guard let host, let expected = Self.normalized(origin: scheme.rawValue + "://" + host) else {
            return .foreign("the request names no Host to compare its \(claimed.header) with")
        }
        guard let said = claimed.origin, said == expected else {
            return .foreign("its \(claimed.header) is another site's, not \(expected)")
        }
        return .sameOrigin
    }

    /// `scheme://host[:port]` of an absolute URL, normalized; nil for anything else.
    static func origin(ofURL url: String) -> String? {
        guard let separator = url.firstRange(of: "://") else { return nil }
        let rest = url[separator.upperBound...]
        let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        return normalized(origin: String(url[..<separator.upperBound]) + authority)
    }

    /// Lower case, the scheme's default port dropped, so `http://Cam:80` and
    /// `http://cam` compare equal. `null` (an opaque origin: a sandboxed page, a file)
    /// and anything with user info or a path is no origin at all.
    static func normalized(origin text: String) -> String? {
        let lowered = text.lowercased()
        let scheme: String
        if lowered.hasPrefix("http://") { scheme = "http" } else if lowered.hasPrefix("https://") { scheme = "https" } else { return nil }
        var authority = String(lowered.dropFirst(scheme.count + 3))
        guard !authority.isEmpty, !authority.contains(where: { "/@?# \t\\".contains($0) }) else { return nil }
        let defaultPort = scheme == "http" ? ":80" : ":443"
        if authority.hasSuffix(defaultPort) {
            authority.removeLast(defaultPort.count)
        }
        return scheme + "://" + authority
    }
}
