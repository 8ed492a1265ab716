/// The `[http]` section: where the camera's own web server listens.
package struct HTTPSettings: Sendable, Equatable {
    package var address: String
    package var port: Int
    /// The admin credential (`portico passwd` writes it). Without the file every change
    /// is refused: a camera never ships with a default password.
    package var adminFile: String
    /// Who may look: everyone (the default; a directory is meant to be opened from a
    /// phone), or only with the admin password.
    package var views: Views
    /// Who may log in and change the camera: only clients on its LAN (the default), or
    /// anyone who has the password.
    package var adminFrom: AdminFrom
    /// The IPv4 address of a reverse proxy that terminates HTTPS in front of the camera:
    /// its `X-Forwarded-For` and `X-Forwarded-Proto` are believed (`RequestClient`).
    package var tlsProxy: String?

    package enum AdminFrom: String, Sendable, Equatable, CaseIterable {
        case lan
        /// The LAN, and anyone who comes through `tls_proxy` over HTTPS: the password
        /// never crosses the internet in clear text, while plain HTTP from outside (the
        /// router's mapped port leads straight to the camera) is still refused.
        case lanOrTLS = "lan-or-tls"
        case anywhere
    }

    package enum Views: String, Sendable, Equatable, CaseIterable {
        case open
        case admin
    }

    package init(
        address: String = "0.0.0.0", port: Int = 8080, adminFile: String = "/etc/portico/admin", views: Views = .open,
        adminFrom: AdminFrom = .lan, tlsProxy: String? = nil
    ) {
        self.address = address
        self.port = port
        self.adminFile = adminFile
        self.views = views
        self.adminFrom = adminFrom
        self.tlsProxy = tlsProxy
    }

    /// `configurationDirectory` holds the admin file unless the section names another.
    package init(reading section: inout ProfileSection, configurationDirectory: String = ProfileLoader.configurationDirectory) {
        let defaults = HTTPSettings(adminFile: configurationDirectory + "/admin")
        address = section.string("address", default: defaults.address) ?? defaults.address
        port = section.integer("port", in: 1...65535, default: defaults.port) ?? defaults.port
        adminFile = section.string("admin_file", default: defaults.adminFile) ?? defaults.adminFile
        views = section.choice("views", from: Views.allCases.map(\.rawValue), default: defaults.views.rawValue)
            .flatMap(Views.init(rawValue:)) ?? defaults.views
        adminFrom = section.choice("admin_from", from: AdminFrom.allCases.map(\.rawValue), default: defaults.adminFrom.rawValue)
            .flatMap(AdminFrom.init(rawValue:)) ?? defaults.adminFrom
        // Empty: no proxy, every peer is taken as the client it is.
        let proxy = section.string("tls_proxy", default: "") ?? ""
        tlsProxy = proxy.isEmpty ? nil : proxy
        if let proxy = tlsProxy, !IPv4.isDottedQuad(proxy) {
            section.reject("tls_proxy", .invalidValue, "'\(ProfileError.shortened(proxy))' is not an IPv4 address",
                           validChoices: ["\"127.0.0.1\" (a proxy on this board)", "the LAN address of the host the proxy runs on"])
            tlsProxy = nil
        }
        if adminFrom == .lanOrTLS && tlsProxy == nil {
            section.reject("admin_from", .invalidValue, "\"lan-or-tls\" needs the TLS proxy's address in [http] tls_proxy",
                           validChoices: ["\"lan\"", "\"anywhere\"", "\"lan-or-tls\" with tls_proxy = \"<the proxy's address>\""])
        }
        if !IPv4.isDottedQuad(address) {
            section.reject("address", .invalidValue, "'\(ProfileError.shortened(address))' is not an IPv4 address",
                           validChoices: ["\"0.0.0.0\" (every interface)", "\"127.0.0.1\" (this board only)", "an address of this board"])
        }
    }
}

package enum IPv4 {
    package static func isDottedQuad(_ text: String) -> Bool {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts.allSatisfy { part in
            !part.isEmpty && part.count <= 3 && part.allSatisfy(\.isNumber) && (Int(part) ?? 256) <= 255
        }
    }
}
