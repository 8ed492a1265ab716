import HTTPTypes
import Hummingbird
import NIOCore

/// The pages and the directory a browser reads: `/` (the directory on the
/// representative, the camera's page elsewhere), `/camera` (the camera's page on every
/// camera) and `/directory.json`. What each answers depends on where the viewer is
/// (`ViewerPlace`): a viewer on the internet gets no LAN address.
extension WebServer {
    func addPageRoutes(to router: Router<PorticoRequestContext>) {
        router.get("/") { request, context in
            try await viewed(request, context) {
                if let answer = await mjpgStreamerAction(request) { return answer }
                let place = viewerPlace(context)
                if let site = directory(), site.role == .representative {
                    return html(DirectoryPage.html(
                        site: site.seen(from: place), refresh: configuration.directoryRefresh, hasCamera: hub != nil))
                }
                return cameraPage(request, context, place: place, path: "/")
            }
        }
        router.get("/camera") { request, context in
            try await viewed(request, context) { cameraPage(request, context, place: viewerPlace(context), path: "/camera") }
        }
        router.get("/directory.json") { request, context in
            try await viewed(request, context) {
                guard let site = directory() else {
                    return plain(.notFound, "this board takes part in no site: its profile has no [election] section\n")
                }
                return try json(site.seen(from: viewerPlace(context)))
            }
        }
    }

    /// Decided per request: the same camera serves viewers at home and away.
    func viewerPlace(_ context: PorticoRequestContext) -> ViewerPlace {
        ViewerPlace.of(
            client: context.client.address, subnet: configuration.lanInterface.flatMap { NetworkInterface.subnet(of: $0) })
    }

    private func cameraPage(_ request: Request, _ context: PorticoRequestContext, place: ViewerPlace, path: String) -> Response {
        let site = directory()
        // The representative's own page links back to its directory on the same address;
        // a member's to the representative as it last heard of it.
        let allCameras = site.flatMap { site in
            site.role == .representative ? "/" : site.seen(from: place).directory.representative?.url
        }
        return html(CameraPage.html(.init(
            name: name, state: state().seen(from: place), allCameras: allCameras, path: path, panTilt: actions.panTilt?.status,
            admin: sessions.isAdmin(request, context: context) ? .loggedIn : sessions.isAllowed(from: context) ? .loggedOut : .notFromHere)))
    }

    private func html(_ text: String) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "text/html; charset=utf-8"
        headers[.cacheControl] = "no-store"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}
