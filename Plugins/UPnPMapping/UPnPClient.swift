import CUPnP
import PorticoCore
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// libupnp as a control point, for the whole process: the SSDP search and
/// notifications, and fetching the gateway's description. Control actions do not go
/// through it (see `HedgedExchange`).
///
/// libupnp keeps one global state (`UpnpInit` can be called once until `UpnpFinish`), so
/// there is one client per process, shared by every backend instance. Its threads call
/// back into `upnpEvent` below; each pending search is found there by an
/// integer token carried as libupnp's cookie, never by a pointer to a Swift object, so a
/// callback arriving after its caller gave up finds nothing and is dropped.
///
/// libupnp is started on the interface's IPv4 address (`UpnpInit`), not by interface
/// name (`UpnpInit2`): given a name it also opens IPv6 sockets, and then every search
/// sends four IPv6 copies 100 ms apart before the first IPv4 one, so no router could
/// answer in under 400 ms. Port mapping is IPv4-only anyway.
///
/// libupnp 1.8.4 does not really pin its searches to that address: it sets
/// `IP_MULTICAST_IF` with an 8-byte `unsigned long`, which Linux reads as a
/// `struct ip_mreq` whose interface is 0.0.0.0. The M-SEARCH therefore leaves by the
/// routing table's choice for 239.255.255.250 (normally the default route), and fails
/// with ENETUNREACH on a host without one. On a camera whose default route is its LAN,
/// as on every Portico board, that is the right interface; answers and notifications
/// are received on the configured one.
final class UPnPClient: Sendable {
    static let shared = UPnPClient()

    struct Session: Sendable, Equatable {
        /// The IPv4 address libupnp is bound to.
        let address: String
        let handle: UpnpClient_Handle
    }

    struct SearchResult: Sendable, Equatable {
        let location: String
        let udn: String
        /// The search target it answers (ST), e.g. `urn:schemas-upnp-org:device:InternetGatewayDevice:2`.
        let target: String
    }

    enum SearchEvent: Sendable, Equatable {
        case found(SearchResult)
        /// libupnp's search window for this target closed, or the search could not be sent.
        case finished(sendError: Int?)
    }

    /// An `ssdp:alive` or `ssdp:byebye` multicast from some device on the LAN.
    struct Advertisement: Sendable, Equatable {
        let alive: Bool
        let udn: String
        let location: String
    }

    private struct Registry {
        var nextToken = 1
        var searches: [Int: @Sendable (SearchEvent) -> Void] = [:]
        var listeners: [Int: @Sendable (Advertisement) -> Void] = [:]

        mutating func token() -> Int {
            defer { nextToken = nextToken == Int(Int32.max) ? 1 : nextToken + 1 }
            return nextToken
        }
    }

    private let registry = Mutex(Registry())
    private let current = Mutex<Session?>(nil)
    /// Held across `UpnpInit`/`UpnpFinish`, which block; only ever taken on a dedicated thread.
    private let lifecycle = Mutex(())

    private init() {}

    // MARK: - Lifecycle

    var currentSession: Session? { current.withLock { $0 } }

    /// A running libupnp bound to `address`, started (or restarted on a new address) if needed.
    func session(on address: String, timeout: Duration) async throws(MappingError) -> Session {
        if let session = current.withLock({ $0 }), session.address == address { return session }
        return try await Outcome.runBlocking(name: "upnp-init", timeout: timeout, orFail: {
            MappingError(.unreachable, message: "libupnp did not start on \(address) within \(ProfileDuration.format(timeout))")
        }) { () throws(MappingError) -> Session in
            try self.startBlocking(on: address)
        }
    }

    private func startBlocking(on address: String) throws(MappingError) -> Session {
        try lifecycle.withLock { _ throws(MappingError) -> Session in
            if let session = current.withLock({ $0 }) {
                if session.address == address { return session }
                // The board's address changed (new DHCP lease): libupnp is bound to the old one.
                current.withLock { $0 = nil }
                UpnpUnRegisterClient(session.handle)
                UpnpFinish()
            }
            var status = UPNP_E_INIT_FAILED
            // A just-assigned address can refuse the bind for a moment; a few short retries.
            for attempt in 0..<10 {
                if attempt > 0 { usleep(50_000) }
                status = UpnpInit(address, 0)
                if status != UPNP_E_SOCKET_BIND { break }
            }
            guard status == UPNP_E_SUCCESS else {
                throw MappingError(.unreachable, message: "libupnp could not start on \(address): \(UPnPErrorCode.libraryMessage(Int(status)))")
            }
            var handle = UpnpClient_Handle()
            let registered = UpnpRegisterClient(upnpEvent, nil, &handle)
            guard registered == UPNP_E_SUCCESS else {
                UpnpFinish()
                throw MappingError(.unreachable, message: "libupnp refused the control point: \(UPnPErrorCode.libraryMessage(Int(registered)))")
            }
            let session = Session(address: address, handle: handle)
            current.withLock { $0 = session }
            return session
        }
    }

    // MARK: - Searches

    /// Sends an SSDP search for each target; `onEvent` gets every answer and one
    /// `.finished` per target, on libupnp's threads, until `endSearch` is called.
    func search(targets: [String], in session: Session, onEvent: @escaping @Sendable (SearchEvent) -> Void) -> [Int] {
        let tokens = registry.withLock { registry in
            targets.map { _ in
                let token = registry.token()
                registry.searches[token] = onEvent
                return token
            }
        }
        for (token, target) in zip(tokens, targets) {
            // UpnpSearchAsync is not asynchronous: it sleeps 100 ms after each of its two
            // copies of the request. Answers arrive on libupnp's threads meanwhile.
            Task {
                let status = try? await DedicatedThread.run(name: "upnp-search") { _ in
                    UpnpSearchAsync(session.handle, 1, target, UnsafeRawPointer(bitPattern: token))
                }
                if let status, status == UPNP_E_SUCCESS { return }
                let handler = self.registry.withLock { $0.searches.removeValue(forKey: token) }
                handler?(.finished(sendError: Int(status ?? UPNP_E_INTERNAL_ERROR)))
            }
        }
        return tokens
    }

    func endSearch(_ tokens: [Int]) {
        registry.withLock { registry in
            for token in tokens { registry.searches[token] = nil }
        }
    }

    // MARK: - Advertisements

    func addListener(_ listener: @escaping @Sendable (Advertisement) -> Void) -> Int {
        registry.withLock { registry in
            let token = registry.token()
            registry.listeners[token] = listener
            return token
        }
    }

    func removeListener(_ token: Int) {
        registry.withLock { $0.listeners[token] = nil }
    }

    // MARK: - HTTP

    /// Fetches `url` (a device description), refusing bodies over `limit` bytes.
    /// Blocks: call it on a dedicated thread.
    func downloadBlocking(_ url: String, limit: Int, timeout: Duration) throws(MappingError) -> String {
        let seconds = Int32(clamping: max(1, Int((timeout + .milliseconds(999)).components.seconds)))
        var connection: UnsafeMutableRawPointer?
        var contentType: UnsafeMutablePointer<CChar>?
        var contentLength: Int32 = 0
        var httpStatus: Int32 = 0
        let opened = UpnpOpenHttpGet(url, &connection, &contentType, &contentLength, &httpStatus, seconds)
        guard opened == UPNP_E_SUCCESS, let connection else {
            if let connection { UpnpCloseHttpGet(connection) }
            if httpStatus != 0 && httpStatus != 200 {
                throw MappingError(.malformedReply, message: "the gateway's description at \(url) answered HTTP \(httpStatus)")
            }
            throw UPnPErrorCode.mappingError(code: Int(opened), action: "fetching the description at \(url)")
        }
        defer { UpnpCloseHttpGet(connection) }
        guard httpStatus == 200 else {
            throw MappingError(.malformedReply, message: "the gateway's description at \(url) answered HTTP \(httpStatus)")
        }
        if contentLength > limit {
            throw MappingError(.malformedReply, message: "the gateway's description at \(url) is \(contentLength) bytes, more than \(limit)")
        }
        var body: [UInt8] = []
        var chunk = [CChar](repeating: 0, count: 4096)
        while true {
            var size = chunk.count
            let read = chunk.withUnsafeMutableBufferPointer { UpnpReadHttpGet(connection, $0.baseAddress, &size, seconds) }
            guard read == UPNP_E_SUCCESS else {
                throw UPnPErrorCode.mappingError(code: Int(read), action: "reading the description at \(url)")
            }
            if size == 0 { break }
            body.append(contentsOf: chunk[0..<min(size, chunk.count)].map { UInt8(bitPattern: $0) })
            if body.count > limit {
                throw MappingError(.malformedReply, message: "the gateway's description at \(url) is more than \(limit) bytes")
            }
        }
        return String(decoding: body, as: UTF8.self)
    }

    // MARK: - Callback

    fileprivate func deliver(_ type: Upnp_EventType, event: UnsafeRawPointer?, token: Int) {
        switch type {
        case UPNP_DISCOVERY_SEARCH_RESULT:
            guard let event else { return }
            let discovery = OpaquePointer(event)
            guard UpnpDiscovery_get_ErrCode(discovery) == UPNP_E_SUCCESS else { return }
            let result = SearchResult(
                location: Self.string(UpnpDiscovery_get_Location_cstr(discovery)),
                udn: Self.string(UpnpDiscovery_get_DeviceID_cstr(discovery)),
                target: Self.string(UpnpDiscovery_get_DeviceType_cstr(discovery)))
            let handler = registry.withLock { $0.searches[token] }
            handler?(.found(result))

        case UPNP_DISCOVERY_SEARCH_TIMEOUT:
            let handler = registry.withLock { $0.searches.removeValue(forKey: token) }
            handler?(.finished(sendError: nil))

        case UPNP_DISCOVERY_ADVERTISEMENT_ALIVE, UPNP_DISCOVERY_ADVERTISEMENT_BYEBYE:
            guard let event else { return }
            let discovery = OpaquePointer(event)
            let advertisement = Advertisement(
                alive: type == UPNP_DISCOVERY_ADVERTISEMENT_ALIVE,
                udn: Self.string(UpnpDiscovery_get_DeviceID_cstr(discovery)),
                location: Self.string(UpnpDiscovery_get_Location_cstr(discovery)))
            let listeners = registry.withLock { Array($0.listeners.values) }
            for listener in listeners { listener(advertisement) }

        default:
            break
        }
    }

    private static func string(_ text: UnsafePointer<CChar>?) -> String {
        text.map { String(cString: $0) } ?? ""
    }
}

/// libupnp's one callback for the control point. A plain function, never a closure: it
/// runs on libupnp's threads, concurrently, and must not inherit any actor isolation.
private func upnpEvent(_ type: Upnp_EventType, _ event: UnsafeRawPointer?, _ cookie: UnsafeMutableRawPointer?) -> Int32 {
    UPnPClient.shared.deliver(type, event: event, token: Int(bitPattern: cookie))
    return 0
}
