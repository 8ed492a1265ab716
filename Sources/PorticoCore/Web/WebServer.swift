import FoundationEssentials
import HTTPTypes
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import ServiceLifecycle

/// The camera's HTTP server: its page, `/snapshot`, `/stream` and `/state`.
///
/// Paths and picture headers follow ustreamer's; see `MJPEGStream`.
public struct WebServer: Sendable {
    public struct Configuration: Sendable {
        public var address: String
        public var port: Int
        /// How long `/snapshot` waits for a first frame right after start before answering 503.
        public var snapshotWait: Duration
        /// Whether looking (pages, pictures, state) needs the admin password too.
        public var views: HTTPSettings.Views
        public var connections: ConnectionLimits

        public init(
            address: String, port: Int, snapshotWait: Duration = .seconds(3), views: HTTPSettings.Views = .open,
            connections: ConnectionLimits = ConnectionLimits()
        ) {
            self.address = address
            self.port = port
            self.snapshotWait = snapshotWait
            self.views = views
            self.connections = connections
        }
    }

    let configuration: Configuration
    let state: @Sendable () -> StateReport
    /// Nil on a board without a camera.
    let hub: FrameHub?
    let logger: Logger
    /// The site's directory, on boards with `[election]`.
    let directory: @Sendable () -> SiteStatus?
    let admin: AdminGuard
    let actions: WebActions
    /// The camera's current name (it can be renamed at run time).
    let currentName: @Sendable () -> String

    public init(
        configuration: Configuration, name: @escaping @Sendable () -> String, hub: FrameHub?, logger: Logger,
        state: @escaping @Sendable () -> StateReport, directory: @escaping @Sendable () -> SiteStatus? = { nil },
        admin: AdminGuard = AdminGuard(credentialFile: nil), actions: WebActions = WebActions()
    ) {
        self.configuration = configuration
        self.currentName = name
        self.hub = hub
        self.logger = logger
        self.state = state
        self.directory = directory
        self.admin = admin
        self.actions = actions
    }

    var name: String { currentName() }

    /// The server as a `Service`; `onListening` receives the bound port (useful with port 0).
    public func application(onListening: @escaping @Sendable (Int) async -> Void = { _ in }) -> some Service {
        let router = Router(context: PorticoRequestContext.self)
        router.get("/") { request, context in try await viewed(request, context) { page() } }
        router.get("/snapshot") { request, context in try await viewed(request, context) { await snapshot() } }
        router.get("/stream") { request, context in try await viewed(request, context) { stream() } }
        router.get("/state") { request, context in try await viewed(request, context) { try stateResponse() } }
        router.get("/directory.json") { request, context in try await viewed(request, context) { try directoryResponse() } }
        router.post("/api/name") { request, context in
            try await authenticated(request, context) {
                let body = try await request.body.collect(upTo: context.maxUploadSize)
                guard let change = try? JSONDecoder().decode(NameChange.self, from: Data(buffer: body)) else {
                    return plain(.badRequest, "send JSON like {\"name\": \"porch\"}\n")
                }
                do {
                    try await actions.rename(change.name, client: context.clientAddress)
                } catch {
                    return plain(.badRequest, "\(error)\n")
                }
                return try json(["name": change.name])
            }
        }
        router.post("/api/register") { request, context in
            try await authenticated(request, context) {
                actions.register(client: context.clientAddress) ? plain(.accepted, "registering\n") : plain(.conflict, "this board maps no port: its profile has no [mapping] section\n")
            }
        }
        router.post("/api/withdraw") { request, context in
            try await authenticated(request, context) {
                actions.withdraw(client: context.clientAddress) ? plain(.accepted, "withdrawing\n") : plain(.conflict, "this board maps no port: its profile has no [mapping] section\n")
            }
        }
        router.post("/api/ptz") { request, context in
            try await authenticated(request, context) {
                guard let panTilt = actions.panTilt else {
                    return plain(.notFound, "this board has no pan/tilt motors: its profile has no [pan_tilt] section\n")
                }
                let body = try await request.body.collect(upTo: context.maxUploadSize)
                guard let asked = try? JSONDecoder().decode(PanTiltRequest.self, from: Data(buffer: body)) else {
                    return plain(.badRequest, "send JSON like {\"command\": \"absolute\", \"pan\": 30, \"tilt\": -5}; commands: \(PanTiltRequest.commands.joined(separator: ", "))\n")
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
        let limiter = ConnectionLimiter(limits: configuration.connections)
        return Application(
            router: router,
            server: HTTPServerBuilder { responder in GuardedHTTP1Channel(responder: responder, limiter: limiter) },
            configuration: .init(address: .hostname(configuration.address, port: configuration.port), serverName: "portico"),
            onServerRunning: { channel in await onListening(channel.localAddress?.port ?? 0) },
            logger: logger)
    }

    /// On the representative the directory comes first (claim 8): the one page a viewer
    /// on the internet opens; on every other camera, its own page.
    private func page() -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "text/html; charset=utf-8"
        headers[.cacheControl] = "no-store"
        let site = directory()
        let html = site.map { $0.role == .representative } == true
            ? DirectoryPage.html(name: name, site: site!, hasCamera: hub != nil)
            : IndexPage.html(name: name, hasCamera: hub != nil, panTilt: actions.panTilt?.status)
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    private func directoryResponse() throws -> Response {
        guard let site = directory() else {
            return plain(.notFound, "this board takes part in no site: its profile has no [election] section\n")
        }
        return try json(site)
    }

    private func snapshot() async -> Response {
        guard let hub else { return noCamera() }
        // Fresh: an idle camera publishes once a second, and asking wakes it for the next frame.
        guard let frame = await hub.fresh(maximumAge: FrameHub.freshness, within: configuration.snapshotWait) else {
            return plain(.serviceUnavailable, "no frame yet: the camera has not delivered a picture; see /state\n")
        }
        var headers = MJPEGStream.noCacheHeaders
        headers[.contentType] = "image/jpeg"
        headers[HTTPField.Name("X-Timestamp")!] = MJPEGStream.timestamp(frame.timestamp)
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: frame.jpeg))
    }

    private func stream() -> Response {
        guard let hub else { return noCamera() }
        var headers = MJPEGStream.noCacheHeaders
        headers[.contentType] = MJPEGStream.contentType
        return Response(status: .ok, headers: headers, body: ResponseBody { writer in
            try await hub.withClient { (client: StreamClient) in
                try await writer.write(MJPEGStream.opening)
                var last: UInt64 = 0
                while let frame = await hub.next(after: last) {
                    try await writer.write(contentsOf: [MJPEGStream.partHeader(for: frame), frame.jpeg, MJPEGStream.closing])
                    client.delivered(frame)
                    last = frame.sequence
                }
            }
            try await writer.finish(nil)
        })
    }

    private func stateResponse() throws -> Response {
        try json(state())
    }

    struct NameChange: Decodable {
        let name: String
    }

    private func json(_ value: some Encodable) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(value)
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        headers[.cacheControl] = "no-store"
        headers[.accessControlAllowOrigin] = "*"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// Pages and pictures: open, unless the profile's `[http] views = "admin"` closes them.
    private func viewed(
        _ request: Request, _ context: PorticoRequestContext, _ view: () async throws -> Response
    ) async throws -> Response {
        configuration.views == .open ? try await view() : try await authenticated(request, context, view)
    }

    /// Runs `change` only for the admin; otherwise 401 (a wrong password after the
    /// guard's delay) or 429, and nothing changes.
    private func authenticated(
        _ request: Request, _ context: PorticoRequestContext, _ change: () async throws -> Response
    ) async throws -> Response {
        let client = context.remoteAddress?.ipAddress ?? "unknown"
        switch await admin.check(authorization: request.headers[.authorization], client: client) {
        case .allowed:
            return try await change()
        case .noCredential:
            var response = plain(.unauthorized, "no admin password is set on this camera; set one with: portico passwd\n")
            response.headers[.wwwAuthenticate] = "Basic realm=\"portico\""
            return response
        case .refused:
            logger.notice("refused a change", metadata: ["client": "\(client)", "path": "\(request.uri.path)"])
            var response = plain(.unauthorized, "admin password required\n")
            response.headers[.wwwAuthenticate] = "Basic realm=\"portico\""
            return response
        case .tooManyAttempts(let retryAfter):
            let seconds = max(Int(retryAfter.components.seconds) + (retryAfter.components.attoseconds > 0 ? 1 : 0), 1)
            var response = plain(.tooManyRequests, "too many password attempts; try again in \(seconds) s, one at a time\n")
            response.headers[.retryAfter] = "\(seconds)"
            return response
        }
    }

    private func noCamera() -> Response {
        plain(.notFound, "this board has no camera: its profile has no [camera] section\n")
    }

    private func plain(_ status: HTTPResponse.Status, _ text: String) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "text/plain; charset=utf-8"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}
