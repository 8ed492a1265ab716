/// The `[http]` section: where the camera's own web server listens.
public struct HTTPSettings: Sendable, Equatable {
    public var address: String
    public var port: Int

    public init(address: String = "0.0.0.0", port: Int = 8080) {
        self.address = address
        self.port = port
    }

    public init(reading section: inout ProfileSection) {
        let defaults = HTTPSettings()
        address = section.string("address", default: defaults.address) ?? defaults.address
        port = section.integer("port", in: 1...65535, default: defaults.port) ?? defaults.port
        if !IPv4.isDottedQuad(address) {
            section.reject("address", .invalidValue, "'\(address)' is not an IPv4 address",
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
