import FoundationEssentials
import HTTPTypes
import Hummingbird
import NIOCore

/// `/login`, `/logout` and `/api/password`: how a browser becomes the admin and stops
/// being one, and how the password is changed.
extension WebServer {
    func addSessionRoutes(to router: Router<PorticoRequestContext>) {
        router.get("/login") { request, context in
            guard sessions.isAllowed(from: context) else { return html(.forbidden, LoginPage.refused()) }
            let next = LoginPage.localPath(request.uri.queryParameters["next"].map(String.init))
            return html(.ok, LoginPage.html(next: next, loggedIn: sessions.isAdmin(request, context: context)))
        }
        router.post("/login") { request, context in
            guard sessions.isAllowed(from: context) else { return html(.forbidden, LoginPage.refused()) }
            // Another site's page logging the admin's browser into a session of its own
            // choosing would be no better than changing the camera itself.
            if case .foreign(let why) = AdminSessions.origin(of: request, context: context) {
                return plain(.forbidden, "refused: \(why); log in from the camera's own page\n")
            }
            let fields = FormEncoding.decode(Array(buffer: try await request.body.collect(upTo: context.maxUploadSize)))
            let next = LoginPage.localPath(fields["next"])
            guard let password = fields["password"], !password.isEmpty else {
                return html(.badRequest, LoginPage.html(next: next, message: "Enter the admin password."))
            }
            switch await sessions.logIn(password: password, request: request, context: context) {
            case .opened(let id):
                logger.notice("admin logged in", metadata: ["client": "\(AdminSessions.client(context))"])
                var response = seeOther(next)
                response.headers[.setCookie] = sessions.cookie(for: id, secure: context.client.scheme == .https)
                return response
            case .refused(.noCredential):
                return html(.unauthorized, LoginPage.html(next: next, message: "No admin password is set on this camera; set one with: portico passwd"))
            case .refused(.tooManyAttempts(let retryAfter)):
                let seconds = Self.wholeSeconds(retryAfter)
                var response = html(.tooManyRequests, LoginPage.html(
                    next: next, message: "Too many password attempts; try again in \(seconds) s."))
                response.headers[.retryAfter] = "\(seconds)"
                return response
            case .refused:
                logger.notice("refused a login", metadata: ["client": "\(AdminSessions.client(context))"])
                return html(.unauthorized, LoginPage.html(next: next, message: "Wrong password."))
            }
        }
        router.post("/logout") { request, context in
            guard AdminSessions.origin(of: request, context: context) == .sameOrigin else {
                return plain(.forbidden, "refused: log out from the camera's own page\n")
            }
            sessions.logOut(request)
            var response = seeOther("/")
            response.headers[.setCookie] = AdminSessions.expiredCookie
            return response
        }
        router.post("/api/password") { request, context in
            try await change(request, context) { body, session in
                struct PasswordChange: Decodable { let current: String; let new: String }
                let asked = body.isForm
                    ? body["current"].flatMap { current in body["new"].map { PasswordChange(current: current, new: $0) } }
                    : body.decode(PasswordChange.self)
                guard let asked else {
                    return plain(.badRequest, "send the fields current and new (a form, or JSON like {\"current\": \"...\", \"new\": \"...\"})\n")
                }
                guard let file = sessions.passwords.credentialFile else {
                    return plain(.conflict, "this camera keeps no admin password file\n")
                }
                switch await sessions.verify(password: asked.current, context: context) {
                case .allowed: break
                case .tooManyAttempts(let retryAfter):
                    return tooManyAttempts(retryAfter)
                default:
                    return plain(.forbidden, "the current password is wrong; nothing changed\n")
                }
                do {
                    try AdminCredential(password: asked.new).save(to: file)
                } catch let error as AdminCredential.Failure {
                    return plain(.badRequest, "password not changed: \(error)\n")
                } catch {
                    return plain(.internalServerError, "password not changed: \(error)\n")
                }
                sessions.endOtherSessions(keeping: session)
                logger.notice("admin password changed", metadata: ["client": "\(AdminSessions.client(context))"])
                return try json(["changed": true])
            }
        }
    }

    func html(_ status: HTTPResponse.Status, _ page: String) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "text/html; charset=utf-8"
        headers[.cacheControl] = "no-store"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: page)))
    }

    func seeOther(_ path: String) -> Response {
        var headers = HTTPFields()
        headers[.location] = path
        headers[.cacheControl] = "no-store"
        return Response(status: .seeOther, headers: headers)
    }

    func tooManyAttempts(_ retryAfter: Duration) -> Response {
        let seconds = Self.wholeSeconds(retryAfter)
        var response = plain(.tooManyRequests, "too many password attempts; try again in \(seconds) s, one at a time\n")
        response.headers[.retryAfter] = "\(seconds)"
        return response
    }

    /// Rounded up, at least 1: what `Retry-After` can say.
    static func wholeSeconds(_ duration: Duration) -> Int64 {
        max(duration.components.seconds + (duration.components.attoseconds > 0 ? 1 : 0), 1)
    }
}
