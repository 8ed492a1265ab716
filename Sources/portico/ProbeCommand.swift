import ArgumentParser
import PorticoCore

struct ProbeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "probe",
        abstract: "Check a board profile and say, per section, which plugin would start or why none would.",
        discussion: "Exits 0 only if the whole profile is valid.")

    @OptionGroup var profile: ProfileOptions

    func run() throws {
        let loaded: Profile
        do {
            loaded = try profile.load()
        } catch {
            throw InvalidProfile.exit(error)
        }
        print(Self.report(loaded))
    }

    static func report(_ profile: Profile) -> String {
        var lines = ["profile \(profile.file): board \"\(profile.name)\"",
                     "  [http]: listen on \(profile.http.address):\(profile.http.port)"]
        for piece in profile.pieces {
            if let plugin = piece.plugin {
                lines.append("  [\(piece.section)]: starts \(plugin): \(piece.detail)")
            } else {
                lines.append("  [\(piece.section)]: nothing starts (\(piece.detail))")
            }
        }
        lines.append("profile is valid")
        return lines.joined(separator: "\n")
    }
}
