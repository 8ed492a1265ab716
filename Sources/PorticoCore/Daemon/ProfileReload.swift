import Logging
import ServiceLifecycle
import UnixSignals

/// SIGHUP, as daemons have long read it (and `systemctl reload` sends it): read the
/// profile again, and restart only the pieces whose sections changed (`ReloadPlan`).
///
/// A profile that does not validate changes nothing: its errors are logged one per
/// line, each with the file, line and column as `portico probe` prints them, and every
/// piece runs on as it was. So does one whose web server could not listen where it
/// says. Reloads are handled one at a time, in the order the signals came.
struct ProfileReload: Service {
    let read: @Sendable () async -> Result<Profile, ProfileErrors>
    let board: RunningBoard
    let places: [BoardPiece: ReplaceableService]
    let factory: PieceFactory
    let logger: Logger

    func run() async throws {
        let hangups = await UnixSignalsSequence(trapping: .sighup)
        await cancelWhenGracefulShutdown {
            for await _ in hangups {
                await reload()
            }
        }
    }

    func reload() async {
        let running = board.pieces
        let new: Profile
        switch await read() {
        case .success(let profile):
            new = profile
        case .failure(let errors):
            for error in errors.errors { logger.error("\(error)") }
            let count = errors.errors.count
            logger.error("the profile was not reloaded: \(count) problem\(count == 1 ? "" : "s") in \(running.profile.file); every piece runs on as it was")
            return
        }
        let plan = ReloadPlan.between(running.profile, new, httpPortOverride: factory.configuration.httpPort)
        if plan.changesNothing {
            logger.notice("profile read again: \(plan.summary)", metadata: ["profile": "\(new.file)"])
            return
        }
        if plan.restarts.contains(.web) {
            let (was, now) = (factory.httpEndpoint(running.profile), factory.httpEndpoint(new))
            if was != now, let problem = ListenCheck.problem(address: now.address, port: now.port) {
                logger.error("the profile was not reloaded: \(problem); every piece runs on as it was")
                return
            }
        }
        logger.notice("profile read again: \(plan.summary)", metadata: ["profile": "\(new.file)"])

        var next = running
        next.profile = new
        if plan.readsNameAgain {
            next.name = CameraName(profileName: new.name, stateDirectory: new.stateDirectory)
        }
        if plan.restarts.contains(.camera) {
            // The same hub for the new camera: its viewers stay connected.
            next.hub = new.camera == nil ? nil : running.hub ?? FrameHub()
        }
        if plan.restarts.contains(.mapping) {
            next.mapping = MappingPiece.service(profile: new, cameraName: next.name.value, exchanges: board.exchanges, logger: factory.logger)
        }
        board.replace(with: next, webServerRestarts: plan.restarts.contains(.web))
        for piece in plan.restarts {
            await places[piece]?.replace(with: factory.service(piece, next))
            if piece == .camera, let old = running.hub, old !== next.hub {
                // The camera is gone: its streams end, so the web server's restart need not wait for them.
                old.close()
            }
        }
        logger.notice("reloaded", metadata: ["restarted": "\(plan.restarts.map(\.rawValue).joined(separator: ","))"])
    }
}
