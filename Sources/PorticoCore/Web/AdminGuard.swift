import FoundationEssentials
import Synchronization

/// Decides whether a request may change the camera: HTTP Basic authentication against
/// the admin credential, with failures slowed down per client so a password cannot be
/// guessed at network speed.
public final class AdminGuard: Sendable {
    public enum Verdict: Sendable, Equatable {
        case allowed
        /// Wrong or missing credentials; wait this long before answering 401.
        case refused(delay: Duration)
        /// No admin credential is set on this camera.
        case noCredential
    }

    private let credentialFile: String?
    private let state = Mutex(State())

    private struct State {
        var failures: [String: (count: Int, last: ContinuousClock.Instant)] = [:]
        /// Passwords already checked, by their SHA-256, so a user pressing a button many
        /// times does not pay the stretched hash each time.
        var verified: [[UInt8]: ContinuousClock.Instant] = [:]
    }

    public init(credentialFile: String?) {
        self.credentialFile = credentialFile
    }

    /// `authorization` is the request's Authorization header; `client` its remote address.
    public func check(authorization: String?, client: String) -> Verdict {
        guard let credentialFile, let credential = try? AdminCredential.load(from: credentialFile) else { return .noCredential }
        if let password = Self.basicPassword(authorization) {
            let fingerprint = Array(SHA256Fingerprint.of(password + credential.line))
            let cached = state.withLock { state in
                state.verified[fingerprint].map { ContinuousClock.now - $0 < .seconds(300) } ?? false
            }
            if cached || credential.verifies(password) {
                state.withLock { state in
                    state.failures[client] = nil
                    if state.verified.count > 64 { state.verified.removeAll() }
                    state.verified[fingerprint] = .now
                }
                return .allowed
            }
        }
        let count = state.withLock { state -> Int in
            let previous = state.failures[client].flatMap { ContinuousClock.now - $0.last < .seconds(600) ? $0.count : nil } ?? 0
            state.failures[client] = (previous + 1, .now)
            if state.failures.count > 1024 { state.failures.removeAll() }
            return previous + 1
        }
        // 0.25 s, 0.5 s, 1 s, … up to 8 s per attempt from the same client.
        return .refused(delay: .milliseconds(250) * (1 << min(count - 1, 5)))
    }

    /// The password of `Basic base64(admin:password)`; any user name is accepted.
    static func basicPassword(_ header: String?) -> String? {
        guard let header, header.lowercased().hasPrefix("basic ") else { return nil }
        let encoded = header.dropFirst(6).trimmingCharacters(in: .whitespaces)
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
