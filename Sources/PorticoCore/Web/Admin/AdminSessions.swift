import FoundationEssentials
import HTTPTypes
import Hummingbird
import Synchronization

/// Who is the admin, for each request: the session store, the password guard, the
/// origin rule and the LAN rule in one place, so every page and change asks the same.
///
/// Browsers log in once (`/login`) and carry a session cookie; scripts and `portico
/// register` send the password with HTTP Basic auth on each request. Either way a
/// change must come from a client the camera accepts administration from, and never
/// from another site's page.
package final class AdminSessions: Sendable {
    package static let cookieName = "portico_session"

    /// Why a change is or is not allowed; `WebServer` turns each into its answer.
    enum Decision: Sendable, Equatable {
        /// By a session (its id), or by the password (Basic: nil).
        case allowed(session: String?)
        /// `[http] admin_from = "lan"` and the client is not on the LAN: 403.
        case outsideLAN
        /// Another site's page (or a browser that says so): 403, whatever the credentials.
        case foreign(String)
        /// A session cookie without `Origin` or `Referer`: its origin cannot be checked. 403.
        case originUnstated
        /// No session and no good password: what the guard said.
        case password(AdminGuard.Verdict)
    }

    let passwords: AdminGuard
    package let reach: AdminReach
    private let store: Mutex<SessionStore>
    private let origin = ContinuousClock.now

    init(passwords: AdminGuard, reach: AdminReach, limits: SessionStore.Limits) {
        self.passwords = passwords
        self.reach = reach
        store = Mutex(SessionStore(limits: limits))
    }

    package convenience init(passwords: AdminGuard, reach: AdminReach) {
        self.init(passwords: passwords, reach: reach, limits: .init())
    }

    /// Any admin: no password set, every client, default limits. For tests and tools.
    package convenience init() {
        self.init(passwords: AdminGuard(credentialFile: nil), reach: .anywhere)
    }

    private var now: Duration { ContinuousClock.now - origin }

    package var sessionLifetime: Duration { store.withLock { $0.limits.absolute } }

    // MARK: For pages

    /// Whether `request` carries a live admin session and comes from a client the
    /// camera accepts administration from: a page shows its admin controls then.
    /// Looking is not a change, so no origin is asked for.
    package func isAdmin(_ request: Request, context: PorticoRequestContext) -> Bool {
        guard isAllowed(from: context) else { return false }
        let now = self.now
        return Self.sessionCookies(request).contains { id in store.withLock { $0.use(id, at: now) } }
    }

    /// Whether this client may log in and change the camera at all (`[http] admin_from`).
    package func isAllowed(from context: PorticoRequestContext) -> Bool {
        reach.admits(context.client)
    }

    // MARK: For changes

    /// Whether `request` may change the camera. A password is only hashed (rationed by
    /// the guard) when no session settles it.
    func authorize(_ request: Request, context: PorticoRequestContext) async -> Decision {
        guard isAllowed(from: context) else { return .outsideLAN }
        let origin = Self.origin(of: request, context: context)
        if case .foreign(let why) = origin { return .foreign(why) }
        let authorization = request.headers[.authorization]
        let now = self.now
        if let session = Self.sessionCookies(request).first(where: { id in store.withLock { $0.use(id, at: now) } }) {
            if origin == .sameOrigin { return .allowed(session: session) }
            if authorization == nil { return .originUnstated }
        }
        let verdict = await passwords.check(authorization: authorization, client: Self.client(context))
        return verdict == .allowed ? .allowed(session: nil) : .password(verdict)
    }

    /// Pages and pictures under `[http] views = "admin"`: a session or the password.
    /// No origin check: looking changes nothing, and a link from elsewhere is fine.
    func authorizeView(_ request: Request, context: PorticoRequestContext) async -> Decision {
        guard isAllowed(from: context) else { return .outsideLAN }
        if isAdmin(request, context: context) { return .allowed(session: nil) }
        let verdict = await passwords.check(authorization: request.headers[.authorization], client: Self.client(context))
        return verdict == .allowed ? .allowed(session: nil) : .password(verdict)
    }

    /// The login form's password: a new session (a new id, whatever cookie came with the
    /// request) or the guard's verdict. The cookies the browser brought are ended.
    func logIn(password: String, request: Request, context: PorticoRequestContext) async -> Login {
        let verdict = await passwords.check(password: password, client: Self.client(context))
        guard verdict == .allowed else { return .refused(verdict) }
        var generator = SystemRandomNumberGenerator()
        let id = SessionStore.newID(using: &generator)
        let now = self.now
        store.withLock { store in
            for old in Self.sessionCookies(request) { store.close(old) }
            store.open(id, at: now)
        }
        return .opened(id)
    }

    enum Login: Sendable, Equatable {
        /// A new session under this id.
        case opened(String)
        /// What the guard said instead.
        case refused(AdminGuard.Verdict)
    }

    func logOut(_ request: Request) {
        store.withLock { store in
            for id in Self.sessionCookies(request) { store.close(id) }
        }
    }

    /// After a password change: every session but `kept` must log in again.
    func endOtherSessions(keeping kept: String?) {
        store.withLock { $0.closeAll(except: kept) }
    }

    /// Checks `password` against the credential, rationed like any other guess.
    func verify(password: String, context: PorticoRequestContext) async -> AdminGuard.Verdict {
        await passwords.check(password: password, client: Self.client(context))
    }

    var openSessions: Int { store.withLock { $0.count } }

    // MARK: Reading the request

    static func client(_ context: PorticoRequestContext) -> String {
        context.clientAddress
    }

    static func origin(of request: Request, context: PorticoRequestContext) -> RequestOrigin {
        RequestOrigin.of(
            host: request.head.authority, scheme: context.client.scheme, origin: request.headers[.origin],
            referer: request.headers[.referer], fetchSite: request.headers[secFetchSite])
    }

    static let secFetchSite = HTTPField.Name("Sec-Fetch-Site")!

    /// Every `portico_session` value of the request's cookies (a browser may send two
    /// of one name, set for different paths); only well-formed ids.
    static func sessionCookies(_ request: Request) -> [String] {
        request.headers[values: .cookie].flatMap { $0.split(separator: ";") }.compactMap { pair in
            let parts = pair.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, parts[0].trimmingBlanks() == cookieName else { return nil }
            let value = parts[1].trimmingBlanks()
            return value.count == 43 && value.utf8.allSatisfy(isBase64URL) ? String(value) : nil
        }
    }

    private static func isBase64URL(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
             UInt8(ascii: "-"), UInt8(ascii: "_"): true
        default: false
        }
    }

    /// `Set-Cookie` for a new session: not readable by scripts, never sent with another
    /// site's requests, for the whole camera. `Secure` where the login came over HTTPS
    /// (through the TLS proxy): the browser then never sends it in clear text; not
    /// otherwise, where the camera speaks plain HTTP and the cookie would be dropped.
    func cookie(for id: String, secure: Bool = false) -> String {
        "\(Self.cookieName)=\(id); HttpOnly; SameSite=Strict; Path=/; Max-Age=\(sessionLifetime.components.seconds)\(secure ? "; Secure" : "")"
    }

    static let expiredCookie = "\(cookieName)=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0"
}
