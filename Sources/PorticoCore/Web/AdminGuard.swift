import FoundationEssentials
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Checks a password against the admin credential: a script's HTTP Basic header, or
/// the login form's (`AdminSessions` decides what else a request needs).
///
/// A password check is a stretched hash, so guesses from the internet are work the
/// camera must not be made to do at will: `LoginThrottle` says which guesses are
/// hashed and how long a wrong one waits for its answer, and the hash runs on a
/// thread of its own at low priority, never on an event loop or the concurrency
/// pool that serves the stream.
package final class AdminGuard: Sendable {
    package enum Verdict: Sendable, Equatable {
        case allowed
        /// Wrong or missing credentials (a wrong one has waited out its delay): answer 401.
        case refused
        /// Not checked: this client has an attempt under way, or the camera has had too
        /// many wrong passwords lately. Answer 429; trying again sooner is turned away too.
        case tooManyAttempts(retryAfter: Duration)
        /// No admin credential is set on this camera.
        case noCredential
    }

    /// Where the credential is kept; `/api/password` writes it.
    let credentialFile: String?
    private let throttle: Mutex<LoginThrottle<String>>
    /// Passwords that passed, by the SHA-256 of client, password and credential, so an
    /// admin's browser sending Basic auth with every request does not pay the stretched
    /// hash each time. Per client: from any other address the entry is no shortcut.
    private let verified = Mutex<[[UInt8]: ContinuousClock.Instant]>([:])
    private let origin = ContinuousClock.now
    private let failures = Mutex(LoginFailures())

    /// Logins that failed since start, for `/metrics`: a guessing campaign shows as a
    /// rising count long before anyone reads the log.
    package struct LoginFailures: Sendable, Equatable {
        /// A password was checked and was wrong.
        package var wrongPassword: UInt64 = 0
        /// Turned away unchecked: too many attempts from the client or the camera.
        package var throttled: UInt64 = 0
    }

    package var loginFailures: LoginFailures { failures.withLock { $0 } }

    init(credentialFile: String?, limits: LoginThrottle<String>.Limits) {
        self.credentialFile = credentialFile
        throttle = Mutex(LoginThrottle(limits: limits))
    }

    package convenience init(credentialFile: String?) {
        self.init(credentialFile: credentialFile, limits: .init())
    }

    private var now: Duration { ContinuousClock.now - origin }

    /// `authorization` is the request's Authorization header; `client` its remote address.
    package func check(authorization: String?, client: String) async -> Verdict {
        await check(password: Self.basicPassword(authorization), client: client)
    }

    /// A password from the login form or a Basic header, rationed the same way.
    package func check(password: String?, client: String) async -> Verdict {
        guard let credentialFile, let credential = try? AdminCredential.load(from: credentialFile) else { return .noCredential }
        // No password offered, nothing guessed: refused at once, and not held against the
        // client (a browser asks without credentials first).
        guard let password else { return .refused }
        let fingerprint = Array(SHA256Fingerprint.of(client + "\u{0}" + password + "\u{0}" + credential.line))
        let cached = verified.withLock { $0[fingerprint].map { ContinuousClock.now - $0 < .seconds(300) } ?? false }
        if cached { return .allowed }

        switch throttle.withLock({ $0.admit(client, at: now) }) {
        case .turnAway(let wait):
            failures.withLock { $0.throttled &+= 1 }
            try? await Task.sleep(for: wait)
            return .tooManyAttempts(retryAfter: wait)
        case .check:
            let passed = await Self.hash(credential, password)
            let delay = throttle.withLock { $0.checked(client, verified: passed, at: now) }
            if passed {
                verified.withLock { verified in
                    if verified.count >= 64 { verified.removeAll() }
                    verified[fingerprint] = .now
                }
            } else {
                failures.withLock { $0.wrongPassword &+= 1 }
                try? await Task.sleep(for: delay)
            }
            throttle.withLock { $0.finished(client) }
            return passed ? .allowed : .refused
        }
    }

    /// The stretched hash on a thread of its own, niced so the camera's threads come
    /// first when guesses and frames compete for the processor.
    private static func hash(_ credential: AdminCredential, _ password: String) async -> Bool {
        (try? await DedicatedThread.run(name: "password-check") { _ in
            #if canImport(Glibc)
            // On Linux the nice value belongs to the thread (`0` is the calling one), so
            // this thread alone yields, and it ends with the check.
            _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, 10)
            #endif
            return credential.verifies(password)
        }) ?? false
    }

    /// The password of `Basic base64(admin:password)`; any user name is accepted.
    /// Headers are at most 16 KiB, so decoding one costs little.
    static func basicPassword(_ header: String?) -> String? {
        guard let header, header.lowercased().hasPrefix("basic ") else { return nil }
        let encoded = String(header.dropFirst(6).trimmingBlanks())
        guard let data = Data(base64Encoded: encoded), let text = String(data: data, encoding: .utf8),
              let colon = text.firstIndex(of: ":")
        else { return nil }
        return String(text[text.index(after: colon)...])
    }
}

import Crypto

enum SHA256Fingerprint {
    static func of(_ text: String) -> SHA256.Digest { SHA256.hash(data: Array(text.utf8)) }
}
