import ArgumentParser
import PorticoCore

/// `--profile`, shared by every command that reads a board profile.
struct ProfileOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "A board profile (TOML), or a board folder holding profile.toml.",
        discussion: "Without it, the built-in copy of board/sim/profile.toml: a board with a test-pattern camera and no other hardware.",
        valueName: "path"))
    var profile: String?

    /// Loads and validates the whole profile against the compiled-in plugins.
    func load() throws(ProfileErrors) -> Profile {
        let loader = ProfileLoader(registry: CompiledInPlugins.registry)
        if let profile {
            return try loader.load(path: profile)
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
