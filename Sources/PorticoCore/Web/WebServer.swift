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
package struct WebServer: Sendable {
    package struct Configuration: Sendable {
        package var address: String
        package var port: Int
        /// How long `/snapshot` waits for a first frame right after start before answering 503.
        package var snapshotWait: Duration
        /// Whether looking (pages, pictures, state) needs the admin password too.
        package var views: HTTPSettings.Views
        package var connections: ConnectionLimits
        /// The LAN interface (`[mapping] interface`): a viewer inside its subnet is on the
        /// LAN (`ViewerPlace`); nil: only loopback is.
        package var lanInterface: String?
        /// How often the directory page reads `/directory.json` again: the inquiry interval.
        package var directoryRefresh: Duration
        /// The reverse proxy that terminates TLS in front of the camera (`[http]
        /// tls_proxy`): its requests are taken as from the client it names (`RequestClient`).
        package var tlsProxy: String?

        package init(
            address: String, port: Int, snapshotWait: Duration = .seconds(3), views: HTTPSettings.Views = .open,
            connections: ConnectionLimits = ConnectionLimits(), lanInterface: String? = nil, directoryRefresh: Duration = .seconds(1),
            tlsProxy: String? = nil
        ) {
            self.address = address
            self.port = port
            self.snapshotWait = snapshotWait
            self.views = views
            self.connections = connections
            self.lanInterface = lanInterface
            self.directoryRefresh = directoryRefresh
            self.tlsProxy = tlsProxy
        }
    }

    let configuration: Configuration
    let state: @Sendable () -> StateReport
    /// Nil on a board without a camera.
    let hub: FrameHub?
    let logger: Logger
    /// The site's directory, on boards with `[election]`.
    let directory: @Sendable () -> SiteStatus?
    /// Who is the admin: sessions, the password, the origin and LAN rules.
    package let sessions: AdminSessions
    let actions: WebActions
    /// The camera's current name (it can be renamed at run time).
    let currentName: @Sendable () -> String
    /// One for every port the server listens on: the caps are the camera's, not a port's.
    let limiter: ConnectionLimiter
    let metrics: MetricsReporter
    /// The `/stream` viewers with their ustreamer options, for `/state?format=ustreamer`.
    let viewers = StreamViewers()

    package init(
        configuration: Configuration, name: @escaping @Sendable () -> String, hub: FrameHub?, logger: Logger,
        state: @escaping @Sendable () -> StateReport, directory: @escaping @Sendable () -> SiteStatus? = { nil },
        admin: AdminSessions = AdminSessions(), actions: WebActions = WebActions(),
        metrics: MetricsReporter? = nil
    ) {
        self.configuration = configuration
        self.currentName = name
        self.hub = hub
        self.logger = logger
        self.state = state
        self.directory = directory
        self.sessions = admin
        self.actions = actions
        self.limiter = ConnectionLimiter(limits: configuration.connections)
        self.metrics = metrics ?? MetricsReporter(hub: hub, admin: admin.passwords)
    }

    var name: String { currentName() }

    /// The server as a `Service`; `onListening` receives the bound port (useful with port 0).
    /// `port` overrides the configuration's: the same pages on a second port (see
    /// `SiteService.needsFixedPortListener`).
    package func application(port: Int? = nil, onListening: @escaping @Sendable (Int) async -> Void = { _ in }) -> some Service {
        let router = Router(context: PorticoRequestContext.self)
        // First: every route below goes by the client the proxy names.
        if let proxy = configuration.tlsProxy { router.add(middleware: ProxiedClient(proxy: proxy)) }
        addPageRoutes(to: router)
        router.get("/snapshot") { request, context in try await viewed(request, context) { await snapshot() } }
        router.get("/stream") { request, context in try await viewed(request, context) { stream(request) } }
        router.head("/") { request, context in try await viewed(request, context) { headRoot(request) } }
        router.head("/snapshot") { request, context in try await viewed(request, context) { head(stream: false) } }
        router.head("/stream") { request, context in try await viewed(request, context) { head(stream: true) } }
        router.get("/state") { request, context in try await viewed(request, context) { try stateResponse(request, place: viewerPlace(context)) } }
        router.get("/metrics") { request, context in try await viewed(request, context) { metricsResponse() } }
        addAdminRoutes(to: router)
        addSessionRoutes(to: router)
        return Application(
            router: router,
            server: HTTPServerBuilder { responder in GuardedHTTP1Channel(responder: responder, limiter: limiter) },
            configuration: .init(address: .hostname(configuration.address, port: port ?? configuration.port), serverName: "portico"),
            onServerRunning: { channel in await onListening(channel.localAddress?.port ?? 0) },
            logger: logger)
    }

    func snapshot() async -> Response {
        guard let hub else { return noCamera() }
        // Fresh: an idle camera publishes once a second, and asking wakes it for the next frame.
        guard let frame = await hub.fresh(maximumAge: FrameHub.freshness, within: configuration.snapshotWait) else {
            return plain(.serviceUnavailable, "no frame yet: the camera has not delivered a picture; see /state\n")
        }
        var headers = MJPEGStream.noCacheHeaders
        headers[.contentType] = "image/jpeg"
        headers[HTTPField.Name("X-Timestamp")!] = MJPEGStream.timestamp(frame.timestamp)
        let online = if case .live = hub.telemetry.signal { true } else { false }
        MJPEGStream.snapshotHeaders(for: frame, online: online, into: &headers)
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: frame.jpeg))
    }

    private func metricsResponse() -> Response {
        var headers = HTTPFields()
        headers[.contentType] = PrometheusText.contentType
        headers[.cacheControl] = "no-store"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: metrics.text())))
    }

    func json(_ value: some Encodable) throws -> Response {
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
    func viewed(
        _ request: Request, _ context: PorticoRequestContext, _ view: () async throws -> Response
    ) async throws -> Response {
        guard configuration.views == .admin else { return try await view() }
        let decision = await sessions.authorizeView(request, context: context)
        guard case .allowed = decision else { return refusal(decision, request, context, view: true) }
        return try await view()
    }

    func noCamera() -> Response {
        plain(.notFound, "this board has no camera: its profile has no [camera] section\n")
    }

    func plain(_ status: HTTPResponse.Status, _ text: String) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "text/plain; charset=utf-8"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}
