import HTTPTypes
import Hummingbird
import NIOCore

/// Hummingbird's basic context plus who sent the request: the connection's peer, or the
/// client a configured TLS proxy names (`RequestClient`), which failed logins are counted
/// by and the LAN and admin rules decide on.
package struct PorticoRequestContext: RequestContext, RemoteAddressRequestContext {
    package var coreContext: CoreRequestContextStorage
    /// The connection's peer: the TLS proxy itself, for a request that came through one.
    package let remoteAddress: SocketAddress?
    /// The client, as `ProxiedClient` reads it from a TLS proxy's headers; else the peer.
    package var client: RequestClient

    package init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
        client = RequestClient(peer: remoteAddress?.ipAddress)
    }

    /// Who asked, as the log names them.
    package var clientAddress: String { client.address ?? "unknown" }

    /// Changes are small JSON documents; nothing bigger is read.
    package var maxUploadSize: Int { 4096 }
}

/// Reads the client a TLS proxy names (`RequestClient`) into the context, before any
/// route: only for requests whose peer is `proxy`.
struct ProxiedClient: RouterMiddleware {
    typealias Context = PorticoRequestContext
    let proxy: String

    static let forwardedFor = HTTPField.Name("X-Forwarded-For")!
    static let forwardedProto = HTTPField.Name("X-Forwarded-Proto")!

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        context.client = RequestClient(
            peer: context.remoteAddress?.ipAddress, proxy: proxy,
            forwardedFor: request.headers[values: Self.forwardedFor], forwardedProto: request.headers[values: Self.forwardedProto])
        return try await next(request, context)
    }
}
