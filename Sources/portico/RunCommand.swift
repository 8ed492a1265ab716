import ArgumentParser
import CompiledInPlugins
import PorticoCore

struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the board: start every piece its profile names, until SIGTERM or SIGINT.")

    @OptionGroup var profile: ProfileOptions

    @Option(name: .long, help: ArgumentHelp("Listen on this port instead of [http] port (0 picks a free one).", valueName: "port"))
    var httpPort: Int?

    @Option(name: .long, help: ArgumentHelp("Listen on this address instead of [http] address.", valueName: "address"))
    var httpAddress: String?

    func validate() throws {
        if let httpPort, !(0...65535).contains(httpPort) {
            throw ValidationError("--http-port \(httpPort) is out of range; use 1 to 65535, or 0 for any free port")
        }
    }

    func run() async throws {
        let logger = PorticoLogging.bootstrap()
        let loaded: Profile
        do {
            loaded = try profile.load()
        } catch {
            throw InvalidProfile.exit(error)
        }
        let address = httpAddress ?? loaded.http.address, port = httpPort ?? loaded.http.port
        if let problem = ListenCheck.problem(address: address, port: port) {
            throw StartFailure.exit("\(problem)\nnothing was started")
        }
        // The hardware is asked before anything starts: a camera that cannot do what the
        // profile asks is a profile to fix, not a board to run with a blank stream.
        if let camera = loaded.camera {
            let check = try await DedicatedThread.run(name: "check-hardware") { _ in camera.instance.checkHardware() }
            if let check, !check.problems.isEmpty {
                throw InvalidProfile.exit(ProfileErrors(check.problems), what: "the camera cannot do what the profile asks (portico probe lists what it offers)")
            }
            if let unavailable = check?.unavailable {
                logger.warning("camera not available yet; streaming NO SIGNAL until it is", metadata: ["reason": "\(unavailable)"])
            }
        }
        let lineProblems = try await DedicatedThread.run(name: "check-lines") { _ in
            ProbeCommand.lineChecks(loaded).flatMap { $0.0.problems }
        }
        if !lineProblems.isEmpty {
            throw InvalidProfile.exit(ProfileErrors(lineProblems), what: "GPIO lines the profile names cannot be used (portico probe lists them)")
        }
        // SIGHUP reads the same file again (or the built-in profile, which cannot change).
        // The hardware was asked above while nothing held it; a piece a reload restarts
        // meets its hardware when it starts, as it would after a restart of the daemon.
        let profile = self.profile
        let daemon = Daemon(
            configuration: .init(
                profile: loaded, httpAddress: httpAddress, httpPort: httpPort,
                readProfileAgain: {
                    do {
                        return try await DedicatedThread.run(name: "read-profile") { _ in
                            Result { () throws(ProfileErrors) in try profile.load() }
                        }
                    } catch {
                        let file = profile.path.map(ProfileLoader.resolve) ?? EmbeddedProfile.name
                        return .failure(ProfileErrors([ProfileError(.unreadable, file: file, line: 0, message: "not read: \(error)")]))
                    }
                }),
            logger: logger)
        try await daemon.run()
    }
}

