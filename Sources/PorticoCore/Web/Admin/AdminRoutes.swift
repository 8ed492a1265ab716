import FoundationEssentials
import HTTPTypes
import Hummingbird

/// The changes: rename, register, withdraw, move. Each takes JSON or a form, and only
/// from the admin (`AdminSessions.authorize`).
extension WebServer {
    func addAdminRoutes(to router: Router<PorticoRequestContext>) {
        router.post("/api/name") { request, context in
            try await change(request, context) { body, _ in
                struct NameChange: Decodable { let name: String }
                guard let name = body.isForm ? body["name"] : body.decode(NameChange.self)?.name else {
                    return plain(.badRequest, "send JSON like {\"name\": \"porch\"}, or a form with the field name\n")
                }
                do {
                    try await actions.rename(name, client: context.clientAddress)
                } catch {
                    return plain(.badRequest, "\(error)\n")
                }
                return try json(["name": name])
            }
        }
        router.post("/api/register") { request, context in
            try await change(request, context) { _, _ in
                actions.register(client: context.clientAddress) ? plain(.accepted, "registering\n") : plain(.conflict, "this board maps no port: its profile has no [mapping] section\n")
            }
        }
        router.post("/api/withdraw") { request, context in
            try await change(request, context) { _, _ in
                actions.withdraw(client: context.clientAddress) ? plain(.accepted, "withdrawing\n") : plain(.conflict, "this board maps no port: its profile has no [mapping] section\n")
            }
        }
        router.post("/api/ptz") { request, context in
            try await change(request, context) { body, _ in
                guard let panTilt = actions.panTilt else {
                    return plain(.notFound, "this board has no pan/tilt motors: its profile has no [pan_tilt] section\n")
                }
                let asked = body.isForm
                    ? body["command"].map { PanTiltRequest(command: $0, pan: Self.number(body["pan"]), tilt: Self.number(body["tilt"]), name: body["name"]) }
                    : body.decode(PanTiltRequest.self)
                guard let asked else {
                    return plain(.badRequest, "send JSON like {\"command\": \"absolute\", \"pan\": 30, \"tilt\": -5}, or a form with those fields; commands: \(PanTiltRequest.commands.joined(separator: ", "))\n")
                }
                do throws(PanTiltError) {
                    try panTilt.move(asked.resolve(presets: panTilt.status.presets).get())
                } catch {
                    let status: HTTPResponse.Status = switch error.code {
                    case .beyondLimits: .unprocessableContent
                    case .positionUnknown: .conflict
                    case .unavailable: .serviceUnavailable
                    default: .badRequest
                    }
                    return plain(status, "\(error)\n")
                }
                var response = try json(panTilt.status)
                response.status = .accepted
                return response
            }
        }
    }

    /// Runs `perform` for the admin only, with the request's body and the session that
    /// asked (nil: the password). A form that succeeds is answered with a redirect back
    /// to the page it was sent from, so the settings panel works without JavaScript.
    func change(
        _ request: Request, _ context: PorticoRequestContext,
        _ perform: (ChangeBody, _ session: String?) async throws -> Response
    ) async throws -> Response {
        let decision = await sessions.authorize(request, context: context)
        guard case .allowed(let session) = decision else { return refusal(decision, request, context) }
        let body = try await ChangeBody.read(request, context: context)
        let response = try await perform(body, session)
        guard (200..<300).contains(response.status.code) else { return response }
        logger.notice("admin change", metadata: [
            "path": "\(request.uri.path)", "client": "\(AdminSessions.client(context))", "by": "\(session == nil ? "password" : "session")",
        ])
        return body.isForm ? seeOther(Self.returnPath(request, scheme: context.client.scheme)) : response
    }

    /// What a refused request is told: how to get in, or why it never will from there.
    func refusal(_ decision: AdminSessions.Decision, _ request: Request, _ context: PorticoRequestContext, view: Bool = false) -> Response {
        switch decision {
        case .allowed:
            // Not a refusal: callers only ask about the others.
            return plain(.internalServerError, "this request was allowed; nothing to refuse\n")
        case .outsideLAN:
            return plain(.forbidden, AdminReach.refusal)
        case .foreign(let why):
            logger.notice("refused a cross-site request", metadata: [
                "client": "\(AdminSessions.client(context))", "path": "\(request.uri.path)", "why": "\(why)",
            ])
            return plain(.forbidden, "refused: \(why); changes are accepted only from the camera's own pages, and nothing changed\n")
        case .originUnstated:
            return plain(.forbidden, "refused: a request with the admin's session must say its Origin or Referer; nothing changed\n")
        case .password(.noCredential):
            return plain(.unauthorized, "no admin password is set on this camera; set one with: portico passwd\n")
        case .password(.tooManyAttempts(let retryAfter)):
            return tooManyAttempts(retryAfter)
        case .password:
            if request.headers[.authorization] != nil {
                logger.notice("refused a change", metadata: ["client": "\(AdminSessions.client(context))", "path": "\(request.uri.path)"])
            }
            // A browser opening a closed page is sent to the login form; players and
            // scripts are asked for Basic credentials. A browser's own fetch is not, so it
            // never shows the Basic dialog, whose credentials it would replay everywhere.
            if view, request.headers[.accept]?.contains("text/html") == true {
                return seeOther("/login?next=" + FormEncoding.encode(request.uri.path))
            }
            var response = plain(.unauthorized, "admin required: log in at /login, or send the admin password (HTTP Basic auth)\n")
            if view || (request.headers[.origin] == nil && request.headers[AdminSessions.secFetchSite] == nil) {
                response.headers[.wwwAuthenticate] = "Basic realm=\"portico\""
            }
            return response
        }
    }

    /// The same-origin page a form was sent from (its `Referer`), else the camera page.
    static func returnPath(_ request: Request, scheme: RequestClient.Scheme) -> String {
        guard let referer = request.headers[.referer],
              RequestOrigin.of(host: request.head.authority, scheme: scheme, origin: nil, referer: referer, fetchSite: nil) == .sameOrigin,
              let scheme = referer.firstRange(of: "://")
        else { return LoginPage.defaultPath }
        let path = referer[scheme.upperBound...].drop { $0 != "/" && $0 != "?" && $0 != "#" }.prefix { $0 != "#" }
        return LoginPage.localPath(path.hasPrefix("/") ? String(path) : "/" + path)
    }

    /// A form's number; nil when empty or absent. One that does not parse is not a
    /// number, and the command refuses it by name.
    static func number(_ text: String?) -> Double? {
        text.flatMap { $0.isEmpty ? nil : Double($0) ?? .nan }
    }
}
