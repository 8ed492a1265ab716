import ArgumentParser
import PorticoCore

struct ProbeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "probe",
        abstract: "Check a board profile and say, per section, which plugin would start or why none would.",
        discussion: """
            On a board with the hardware, also asks it (the camera: formats, sizes, rates; the motors' and the \
            switch's GPIO lines: present, free or held by whom) and says whether the profile's choices are supported. Exits 0 when the profile is valid and the hardware can do what \
            it asks, 2 when the profile is invalid or asks for what the hardware does not offer (or names an \
            interface or admin file that is not right), 1 when the hardware could not be asked (not connected, \
            busy) or the setup is not usable now (the HTTP port taken, no IPv4 address yet).
            """)

    @OptionGroup var profile: ProfileOptions

    func run() throws {
        let loaded: Profile
        do {
            loaded = try profile.load()
        } catch {
            throw InvalidProfile.exit(error)
        }
        print(Self.report(loaded))
        let setup = SetupCheck.findings(loaded)
        print((["board setup:"] + setup.map { "  \($0.line)" }).joined(separator: "\n"))
        var problems: [ProfileError] = []
        var unavailable = setup.contains { $0.severity == .notNow }
        if let camera = loaded.camera, let check = camera.instance.checkHardware() {
            print(Self.report(check, plugin: camera.pluginName))
            problems += check.problems
            unavailable = check.unavailable != nil
        }
        for (check, section) in Self.lineChecks(loaded) {
            print(Self.report(check, section: section))
            problems += check.problems
        }
        if !problems.isEmpty {
            throw InvalidProfile.exit(ProfileErrors(problems), what: "the hardware cannot do what the profile asks")
        }
        if setup.contains(where: { $0.severity == .wrong }) {
            throw StartFailure.exit("the board is not set up as the profile expects (see \"board setup\" above)")
        }
        if unavailable { throw ExitCode(1) }
    }

    /// The GPIO lines of the motors and the switch: a missing or busy line is a problem
    /// to fix before the board runs, not something to ride out like an unplugged camera.
    static func lineChecks(_ profile: Profile) -> [(HardwareCheck, String)] {
        var checks: [(HardwareCheck, String)] = []
        if let panTilt = profile.panTilt, let check = panTilt.instance.checkHardware() {
            checks.append((check, "pan_tilt (\(panTilt.pluginName))"))
        }
        if let button = profile.registrationSwitch, let check = button.instance.checkHardware() {
            checks.append((check, "switch (\(button.pluginName))"))
        }
        return checks
    }

    static func report(_ check: HardwareCheck, section: String) -> String {
        var lines = ["\(section) lines:"]
        lines += check.offers.map { "  \($0)" }
        if check.problems.isEmpty { lines.append("lines are free") }
        return lines.joined(separator: "\n")
    }

    static func report(_ check: HardwareCheck, plugin: String) -> String {
        var lines = ["camera hardware (\(plugin)):"]
        lines += check.offers.map { "  \($0)" }
        if let unavailable = check.unavailable {
            lines.append("  cannot be asked now: \(unavailable)")
            lines.append("  (portico run starts anyway and streams NO SIGNAL until the camera is there)")
        } else if check.problems.isEmpty {
            lines.append("camera supports the profile")
        }
        return lines.joined(separator: "\n")
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
