import ArgumentParser
import CompiledInPlugins
import PorticoCore

/// `--profile`, shared by every command that reads a board profile.
struct ProfileOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "A board profile (TOML), or a board folder holding profile.toml.",
        discussion: """
            Without it, profile.toml in $CONFIGURATION_DIRECTORY where systemd sets that (the unit's \
            ConfigurationDirectory=, /etc/portico); elsewhere the built-in copy of board/sim/profile.toml: \
            a board with a test-pattern camera and no other hardware.
            """,
        valueName: "path"))
    var profile: String?

    /// The settings folder systemd gives the service (`ConfigurationDirectory=`), if any.
    static var configurationDirectory: String? {
        guard let value = getenv("CONFIGURATION_DIRECTORY").map({ String(cString: $0) }), !value.isEmpty else { return nil }
        // Several directories are separated by colons; Portico's unit names one.
        return value.split(separator: ":").first.map(String.init)
    }

    /// The profile's path: `--profile`, or the service's settings folder; nil for the built-in one.
    var path: String? {
        profile ?? Self.configurationDirectory.map { $0 + "/profile.toml" }
    }

    /// Loads and validates the whole profile against the compiled-in plugins.
    func load() throws(ProfileErrors) -> Profile {
        let loader = ProfileLoader(
            registry: CompiledInPlugins.registry,
            configurationDirectory: Self.configurationDirectory ?? ProfileLoader.configurationDirectory)
        if let path {
            return try loader.load(path: path)
        }
        return try loader.load(text: EmbeddedProfile.sim, file: EmbeddedProfile.name)
    }
}

/// A profile that does not validate: its errors on standard error, one per line, then exit status 2.
/// A board that cannot start as it is set up (a port another program holds): said in
/// words on standard error, status 2, nothing started.
enum StartFailure {
    static func exit(_ text: String) -> ExitCode {
        fflush(nil)
        _ = (text + "\n").withCString { write(2, $0, strlen($0)) }
        return ExitCode(2)
    }
}

enum InvalidProfile {
    static func exit(_ errors: ProfileErrors, what: String? = nil) -> ExitCode {
        let count = errors.errors.count
        let summary = what ?? "the profile has \(count) problem\(count == 1 ? "" : "s")"
        let text = "\(errors)\n\(summary); nothing was started\n"
        fflush(nil)  // what was printed before the errors stays before them
        _ = text.withCString { write(2, $0, strlen($0)) }
        return ExitCode(2)
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
