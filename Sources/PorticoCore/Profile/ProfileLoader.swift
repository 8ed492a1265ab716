#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Turns a profile file into a `Profile`, or into the complete list of what is wrong with it.
package struct ProfileLoader: Sendable {
    package let registry: PluginRegistry
    /// Where the board's settings live: the admin file's default place.
    package let configurationDirectory: String

    /// The board's settings folder, as the service unit names it (`ConfigurationDirectory=`).
    package static let configurationDirectory = "/etc/portico"

    package init(registry: PluginRegistry, configurationDirectory: String = ProfileLoader.configurationDirectory) {
        self.registry = registry
        self.configurationDirectory = configurationDirectory
    }

    /// Profiles are small; anything larger than this is not a profile.
    package static let maximumSize = 256 * 1024

    /// Loads `path`, a profile file or a board folder holding `profile.toml`.
    package func load(path: String) throws(ProfileErrors) -> Profile {
        let file = Self.resolve(path)
        let text: String
        do {
            text = try Self.read(file)
        } catch {
            throw ProfileErrors([error])
        }
        return try load(text: text, file: file)
    }

    package func load(text: String, file: String) throws(ProfileErrors) -> Profile {
        let document = try ProfileParser.parse(text, file: file)
        var errors: [ProfileError] = []

        var root = ProfileSection(document.root, file: file)
        let name = root.string("name") ?? ""
        if root.contains("name") && !Self.isValidName(name) {
            root.reject("name", .invalidValue, "'\(ProfileError.shortened(name))' cannot be a camera name",
                        validChoices: ["1 to 63 letters, digits, '-' or '_'"])
        }
        let stateDirectory = root.string("state_dir", default: "/var/lib/portico") ?? "/var/lib/portico"
        errors += root.finish()

        var tables: [String: ProfileTable] = [:]
        let known = ["http"] + PluginFamilies.sections
        for table in document.sections {
            if known.contains(table.name) {
                tables[table.name] = table
            } else {
                errors.append(ProfileError(
                    .unknownSection, file: file, line: table.headerPosition.line, column: table.headerPosition.column,
                    key: table.name, message: "unknown section [\(table.name)]", validChoices: known.map { "[\($0)]" }))
            }
        }

        var http = HTTPSettings(adminFile: configurationDirectory + "/admin")
        if let table = tables["http"] {
            var section = ProfileSection(table, file: file)
            http = HTTPSettings(reading: &section, configurationDirectory: configurationDirectory)
            errors += section.finish()
        }

        let camera = configure(PluginFamilies.camera, registry.cameraSources, tables, file, &errors)
        let mapping = configure(PluginFamilies.mapping, registry.mappingBackends, tables, file, &errors)
        let election = configure(PluginFamilies.election, registry.electionPolicies, tables, file, &errors)
        let panTilt = configure(PluginFamilies.panTilt, registry.panTiltDrivers, tables, file, &errors)
        let registrationSwitch = configure(
            PluginFamilies.registrationSwitch, registry.registrationSwitches, tables, file, &errors)

        if let table = tables[PluginFamilies.election.section], tables[PluginFamilies.mapping.section] == nil {
            errors.append(ProfileError(
                .missingKey, file: file, line: table.headerPosition.line, column: table.headerPosition.column,
                key: PluginFamilies.election.section,
                message: "[election] needs a [mapping] section: the representative is whoever holds the fixed port on the router",
                validChoices: ["add [mapping] with backend = \"auto\", \"upnp\" or \"natpmp\""]))
        }
        if !errors.isEmpty {
            throw ProfileErrors(errors.sorted { ($0.line, $0.column) < ($1.line, $1.column) })
        }
        return Profile(
            name: name, file: file, http: http, stateDirectory: stateDirectory, camera: camera, mapping: mapping, election: election,
            panTilt: panTilt, registrationSwitch: registrationSwitch, contents: ProfileContents(document))
    }

    private func configure<Settings, Product>(
        _ family: PluginFamily<Settings, Product>, _ plugins: [Plugin<Settings, Product>],
        _ tables: [String: ProfileTable], _ file: String, _ errors: inout [ProfileError]
    ) -> ConfiguredPlugin<Settings, Product>? {
        guard let table = tables[family.section] else { return nil }
        var section = ProfileSection(table, file: file)
        let settings = family.readSettings(&section)
        var configured: ConfiguredPlugin<Settings, Product>?
        if let name = section.string(family.selector) {
            if let plugin = plugins.first(where: { $0.name == name }) {
                if let instance = plugin.configure(&section, settings) {
                    configured = ConfiguredPlugin(pluginName: name, settings: settings, instance: instance)
                }
            } else {
                let choices = plugins.isEmpty
                    ? ["none: this build has no \(family.noun) plugins; remove [\(family.section)]"]
                    : plugins.map { "\"\($0.name)\"" }
                section.reject(family.selector, .unknownPlugin, "no \(family.noun) is called '\(ProfileError.shortened(name))'", validChoices: choices)
            }
        }
        let sectionErrors = section.finish()
        errors += sectionErrors
        return sectionErrors.isEmpty ? configured : nil
    }

    static func isValidName(_ name: String) -> Bool {
        (1...63).contains(name.utf8.count)
            && name.utf8.allSatisfy { byte in
                (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                    || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
            }
    }

    /// A board folder stands for the `profile.toml` inside it.
    package static func resolve(_ path: String) -> String {
        var info = stat()
        if stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR {
            return path.hasSuffix("/") ? path + "profile.toml" : path + "/profile.toml"
        }
        return path
    }

    /// The text of `file`; `what` names it in the message ("the profile", "the site key").
    package static func read(_ file: String, what: String = "the profile") throws(ProfileError) -> String {
        let fd = open(file, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            let reason = String(cString: strerror(errno))
            throw ProfileError(.unreadable, file: file, line: 0, key: "", message: "cannot open \(what): \(reason)")
        }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                let reason = String(cString: strerror(errno))
                throw ProfileError(.unreadable, file: file, line: 0, message: "cannot read the profile: \(reason)")
            }
            if count == 0 { break }
            bytes += chunk[0..<count]
            if bytes.count > maximumSize {
                throw ProfileError(.unreadable, file: file, line: 0,
                                   message: "the file is larger than \(maximumSize / 1024) KiB; is it really a profile?")
            }
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            let place = firstInvalidUTF8(in: bytes)
            throw ProfileError(.unreadable, file: file, line: place.line, column: place.column,
                               message: "\(what) is not UTF-8 text: the byte here is not part of a UTF-8 character")
        }
        return text
    }

    /// Where UTF-8 decoding of `bytes` first fails (line and byte column, 1-based), so
    /// the editor can be sent to the stray byte rather than to the whole file.
    static func firstInvalidUTF8(in bytes: [UInt8]) -> SourcePosition {
        var iterator = bytes.makeIterator()
        var decoder = UTF8()
        var line = 1, column = 1
        while case .scalarValue(let scalar) = decoder.decode(&iterator) {
            if scalar == "\n" {
                line += 1
                column = 1
            } else {
                column += UTF8.width(scalar)
            }
        }
        return SourcePosition(line: line, column: column)
    }
}
