/// The admin's logged-in browsers: a pure value driven by a clock, so tests replay a
/// day of expiry in virtual time.
///
/// A session id is a bearer secret (whoever holds the cookie is the admin), so:
/// - ids are 256 random bits, made here only at a login (`open`); an id a browser
///   brought along is never turned into a session, so a planted cookie gains nothing;
/// - a session ends after `idle` without use and `absolute` after the login whatever
///   its use, so a stolen cookie stops working on its own;
/// - at most `capacity` sessions are kept (memory is bounded whatever logs in); the
///   oldest login goes first;
/// - a presented id is compared with every stored one in constant time, so timing the
///   answers tells nothing about stored ids.
struct SessionStore: Sendable {
    struct Limits: Sendable, Equatable {
        var idle: Duration = .seconds(30 * 60)
        var absolute: Duration = .seconds(12 * 3600)
        var capacity = 32
    }

    private struct Session: Sendable {
        var id: [UInt8]
        var opened: Duration
        var used: Duration
    }

    let limits: Limits
    /// In order of login, oldest first.
    private var sessions: [Session] = []

    init(limits: Limits = Limits()) {
        self.limits = limits
    }

    var count: Int { sessions.count }

    /// A new session under `id` (from `newID`), after a password has passed. The oldest
    /// is dropped when the store is full.
    mutating func open(_ id: String, at now: Duration) {
        expire(at: now)
        if sessions.count >= max(limits.capacity, 1) { sessions.removeFirst(sessions.count - max(limits.capacity, 1) + 1) }
        sessions.append(Session(id: Array(id.utf8), opened: now, used: now))
    }

    /// Whether `presented` is a live session; using it restarts its idle time.
    mutating func use(_ presented: String, at now: Duration) -> Bool {
        expire(at: now)
        guard let index = find(presented) else { return false }
        sessions[index].used = now
        return true
    }

    /// Whether `presented` is a live session, without counting as a use.
    func isLive(_ presented: String, at now: Duration) -> Bool {
        guard let index = find(presented) else { return false }
        return isLive(sessions[index], at: now)
    }

    /// Logout: `presented` ends (if it was a session at all).
    mutating func close(_ presented: String) {
        if let index = find(presented) { sessions.remove(at: index) }
    }

    /// A password change: every other browser must log in again with the new one.
    mutating func closeAll(except kept: String?) {
        let index = kept.flatMap(find)
        sessions = index.map { [sessions[$0]] } ?? []
    }

    /// The index of `presented`, looking at every stored id in full whether or not an
    /// earlier one matched.
    private func find(_ presented: String) -> Int? {
        let bytes = Array(presented.utf8)
        var found: Int?
        for (index, session) in sessions.enumerated() where ConstantTime.equal(session.id, bytes) {
            found = index
        }
        return found
    }

    private func isLive(_ session: Session, at now: Duration) -> Bool {
        Self.isLive(session, at: now, limits: limits)
    }

    private static func isLive(_ session: Session, at now: Duration, limits: Limits) -> Bool {
        now - session.used < limits.idle && now - session.opened < limits.absolute
    }

    private mutating func expire(at now: Duration) {
        let limits = self.limits
        sessions.removeAll { !Self.isLive($0, at: now, limits: limits) }
    }

    /// 256 random bits as base64url without padding (43 characters): safe in a cookie
    /// without quoting. `SystemRandomNumberGenerator` reads the kernel's CSPRNG.
    static func newID<G: RandomNumberGenerator>(using generator: inout G) -> String {
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        return Base64URL.encode(bytes)
    }
}

enum Base64URL {
    static func encode(_ bytes: [UInt8]) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)
        var out: [UInt8] = []
        var index = 0
        while index < bytes.count {
            let chunk = bytes[index..<min(index + 3, bytes.count)]
            let value = chunk.enumerated().reduce(UInt32(0)) { $0 | UInt32($1.element) << (16 - 8 * $1.offset) }
            for position in 0..<(chunk.count + 1) {
                out.append(alphabet[Int((value >> (18 - 6 * position)) & 0x3f)])
            }
            index += 3
        }
        return String(decoding: out, as: UTF8.self)
    }
}
