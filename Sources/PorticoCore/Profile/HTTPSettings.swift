/// The `[http]` section: where the camera's own web server listens.
public struct HTTPSettings: Sendable, Equatable {
    public var address: String
    public var port: Int
    /// The admin credential (`portico passwd` writes it). Without the file every change
    /// is refused: a camera never ships with a default password.
    public var adminFile: String
    /// Who may look: everyone (the default; a directory is meant to be opened from a
    /// phone), or only with the admin password.
    public var views: Views
    /// Who may log in and change the camera: only clients on its LAN (the default), or
    /// anyone who has the password.
    public var adminFrom: AdminFrom

    public enum AdminFrom: String, Sendable, Equatable, CaseIterable {
        case lan
        case anywhere
    }

    public enum Views: String, Sendable, Equatable, CaseIterable {
        case open
        case admin
    }

    public init(address: String = "0.0.0.0", port: Int = 8080, adminFile: String = "/etc/portico/admin", views: Views = .open, adminFrom: AdminFrom = .lan) {
        self.address = address
        self.port = port
        self.adminFile = adminFile
        self.views = views
        self.adminFrom = adminFrom
    }

    /// `configurationDirectory` holds the admin file unless the section names another.
    public init(reading section: inout ProfileSection, configurationDirectory: String = ProfileLoader.configurationDirectory) {
        let defaults = HTTPSettings(adminFile: configurationDirectory + "/admin")
        address = section.string("address", default: defaults.address) ?? defaults.address
        port = section.integer("port", in: 1...65535, default: defaults.port) ?? defaults.port
        adminFile = section.string("admin_file", default: defaults.adminFile) ?? defaults.adminFile
        views = section.choice("views", from: Views.allCases.map(\.rawValue), default: defaults.views.rawValue)
            .flatMap(Views.init(rawValue:)) ?? defaults.views
        adminFrom = section.choice("admin_from", from: AdminFrom.allCases.map(\.rawValue), default: defaults.adminFrom.rawValue)
            .flatMap(AdminFrom.init(rawValue:)) ?? defaults.adminFrom
        if !IPv4.isDottedQuad(address) {
            section.reject("address", .invalidValue, "'\(ProfileError.shortened(address))' is not an IPv4 address",
                           validChoices: ["\"0.0.0.0\" (every interface)", "\"127.0.0.1\" (this board only)", "an address of this board"])
        }
    }
}

public enum IPv4 {
    public static func isDottedQuad(_ text: String) -> Bool {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts.allSatisfy { part in
            !part.isEmpty && part.count <= 3 && part.allSatisfy(\.isNumber) && (Int(part) ?? 256) <= 255
        }
    }
}
