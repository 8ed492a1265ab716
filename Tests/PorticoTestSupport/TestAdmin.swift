import FoundationEssentials
import PorticoCore

/// An admin password set as `portico passwd` sets it, in a state folder of the test's
/// own, and the `Authorization` a client sends with it: the first step of every test of
/// what an admin may do.
package struct TestAdmin: Sendable {
    package let password: String
    package let folder: String

    /// The credential file, for `[http] admin_file`.
    package var file: String { folder + "/admin" }

    /// `iterations` below the default keeps a test fast; a test of what a login costs the
    /// camera keeps the default, the cost a board pays.
    package init(password: String = "s3cret-pass", iterations: Int = AdminCredential.defaultIterations) throws {
        self.password = password
        folder = try temporaryFolder()
        try AdminCredential(password: password, iterations: iterations).save(to: folder + "/admin")
    }

    /// `Authorization` with this password.
    package var authorization: String { Self.authorization(password: password) }

    /// `Authorization` with any password, a wrong one included.
    package static func authorization(password: String) -> String {
        "Basic " + Data("admin:\(password)".utf8).base64EncodedString()
    }
}

extension ServerProcess {
    /// A `portico run` child whose admin password is `admin`'s: `http` is the rest of its
    /// `[http]` section.
    package convenience init(profile: String, admin: TestAdmin, http: String = "") throws {
        try self.init(profile: profile + "\n[http]\n\(http)admin_file = \"\(admin.file)\"\n")
    }
}
