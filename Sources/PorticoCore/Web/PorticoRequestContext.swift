import Hummingbird
import NIOCore

/// Hummingbird's basic context plus the client's address, which failed logins are
/// counted by.
public struct PorticoRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: SocketAddress?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }

    /// Who asked, as the log names them.
    public var clientAddress: String { remoteAddress?.ipAddress ?? "unknown" }

    /// Changes are small JSON documents; nothing bigger is read.
    public var maxUploadSize: Int { 4096 }
}
