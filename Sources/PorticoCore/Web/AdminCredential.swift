import Crypto
import _CryptoExtras

#if canImport(Glibc)
import Glibc
#endif

/// The camera's admin password, stored only as a salted, stretched hash
/// (PBKDF2-HMAC-SHA256), one line: `pbkdf2-sha256$<iterations>$<salt hex>$<hash hex>`.
///
/// There is no default: a camera without this file refuses every change until
/// `portico passwd` sets one at bring-up.
package struct AdminCredential: Sendable, Equatable {
    package let iterations: Int
    package let salt: [UInt8]
    package let hash: [UInt8]

    package static let defaultIterations = 60_000
    package static let minimumPasswordLength = 8
    /// In UTF-8 bytes. A longer guess is refused without hashing: PBKDF2 hashes the
    /// password into its key once, but a 58 KB password still cost seconds before.
    package static let maximumPasswordLength = 128
    /// What a stored line may ask for. The top is ten times the default, so a tampered
    /// or mistyped file cannot make each guess cost the camera seconds of CPU.
    package static let acceptedIterations = 1_000...600_000

    package struct Failure: Error, Sendable, Equatable, CustomStringConvertible {
        package let description: String
    }

    /// A new credential for `password`, with a fresh random salt.
    package init(password: String, iterations: Int = defaultIterations) throws(Failure) {
        guard password.count >= Self.minimumPasswordLength else {
            throw Failure(description: "the password is shorter than \(Self.minimumPasswordLength) characters")
        }
        guard password.utf8.count <= Self.maximumPasswordLength else {
            throw Failure(description: "the password is longer than \(Self.maximumPasswordLength) bytes")
        }
        guard Self.acceptedIterations.contains(iterations) else {
            throw Failure(description: "\(iterations) iterations is outside \(Self.acceptedIterations.lowerBound) to \(Self.acceptedIterations.upperBound)")
        }
        var generator = SystemRandomNumberGenerator()
        salt = (0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) }
        self.iterations = iterations
        hash = Self.pbkdf2(password: Array(password.utf8), salt: salt, iterations: iterations)
    }

    /// Parses the stored line.
    package init(parsing line: String) throws(Failure) {
        let parts = line.split(separator: "$")
        guard parts.count == 4, parts[0] == "pbkdf2-sha256", let iterations = Int(parts[1]), Self.acceptedIterations.contains(iterations),
              let salt = Self.bytes(hex: parts[2]), salt.count >= 8, let hash = Self.bytes(hex: parts[3]), hash.count == 32
        else {
            throw Failure(description: "not a Portico admin credential; set one again with: portico passwd")
        }
        self.iterations = iterations
        self.salt = salt
        self.hash = hash
    }

    /// Reads the credential file; nil when there is none (no password set yet).
    package static func load(from path: String) throws(Failure) -> AdminCredential? {
        guard access(path, F_OK) == 0 else { return nil }
        do {
            let text = try ProfileLoader.read(path)
            return try AdminCredential(parsing: text.filter { !$0.isWhitespace })
        } catch let error as Failure {
            throw error
        } catch {
            throw Failure(description: "cannot read the admin credential \(path): \(error)")
        }
    }

    package func save(to path: String) throws(AtomicFile.Failure) {
        try AtomicFile.write(Array((line + "\n").utf8), to: path, mode: 0o600)
    }

    package var line: String {
        "pbkdf2-sha256$\(iterations)$\(Self.hex(salt))$\(Self.hex(hash))"
    }

    /// Compares in constant time, so the answer's timing tells nothing. A password
    /// over `maximumPasswordLength` is wrong without being hashed.
    package func verifies(_ password: String) -> Bool {
        let bytes = Array(password.utf8)
        guard bytes.count <= Self.maximumPasswordLength else { return false }
        let candidate = Self.pbkdf2(password: bytes, salt: salt, iterations: iterations)
        return ConstantTime.equal(candidate, hash)
    }

    /// RFC 8018 PBKDF2 with HMAC-SHA256, one 32-byte block, by BoringSSL: the HMAC
    /// key state is built once per password, not once per iteration as a loop over
    /// `HMAC.authenticationCode` does (a quarter of a second per guess on a board).
    static func pbkdf2(password: [UInt8], salt: [UInt8], iterations: Int) -> [UInt8] {
        // swift-crypto force-unwraps the address of the password's bytes, which an empty
        // array may not have; no stored password is empty. Only an allocation failure
        // inside BoringSSL throws. Either way the empty result matches no stored hash.
        guard !password.isEmpty, !salt.isEmpty else { return [] }
        let key = try? KDF.Insecure.PBKDF2.deriveKey(
            from: password, salt: salt, using: .sha256, outputByteCount: 32, unsafeUncheckedRounds: iterations)
        return key?.withUnsafeBytes { Array($0) } ?? []
    }

    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef")
        return String(bytes.flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 0xF)]] })
    }

    static func bytes(hex: Substring) -> [UInt8]? {
        guard hex.count % 2 == 0 else { return nil }
        var out: [UInt8] = []
        var iterator = hex.makeIterator()
        while let high = iterator.next(), let low = iterator.next() {
            guard let value = UInt8(String([high, low]), radix: 16) else { return nil }
            out.append(value)
        }
        return out
    }
}
