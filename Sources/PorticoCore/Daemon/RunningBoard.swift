import Logging
import Synchronization

/// The board as its current profile made it: the profile, the camera's name, the frame
/// hub and the mapping. The web server, the switch, `/state` and the service manager
/// read it when they need it rather than keeping what they were started with, so a
/// reload that replaces a piece is seen by all of them at once.
final class RunningBoard: Sendable {
    struct Pieces: Sendable {
        var profile: Profile
        var name: CameraName
        /// Nil on a board without a camera; kept across a camera's restart, so the
        /// stream clients it feeds stay connected.
        var hub: FrameHub?
        var mapping: (any MappingService)?
    }

    private struct State {
        var pieces: Pieces
        /// The web server's port once it listens, for a mapping started later.
        var listeningPort: Int?
        /// Its second port, for the fixed port's mapping, where it has one.
        var fixedPortListeningPort: Int?
    }

    private let state: Mutex<State>
    /// The router exchanges of every mapping this board has run, for `/metrics`.
    let exchanges: RouterExchanges

    /// The board as `profile` makes it, none of its pieces started.
    init(profile: Profile, logger: Logger) {
        let exchanges = RouterExchanges()
        self.exchanges = exchanges
        state = Mutex(State(pieces: Self.pieces(of: profile, exchanges: exchanges, logger: logger)))
    }

    /// The pieces a profile asks for, none of them started.
    static func pieces(of profile: Profile, exchanges: RouterExchanges, logger: Logger) -> Pieces {
        let name = CameraName(profileName: profile.name, stateDirectory: profile.stateDirectory)
        return Pieces(
            profile: profile, name: name, hub: profile.camera.map { _ in FrameHub() },
            mapping: MappingPiece.service(profile: profile, cameraName: name.value, exchanges: exchanges, logger: logger))
    }

    var pieces: Pieces { state.withLock { $0.pieces } }

    /// Takes `new` as the board's pieces; a new mapping hears the web server's ports at
    /// once if they are known. When the web server is about to be replaced too, its ports
    /// are forgotten: a mapping reads them once, and must wait for the new server's
    /// rather than forward to ports that are closing (another port with `--http-port 0`,
    /// or the fixed port's own listener gone or moved).
    func replace(with new: Pieces, webServerRestarts: Bool) {
        let (port, fixedPort) = state.withLock { state in
            state.pieces = new
            if webServerRestarts {
                state.listeningPort = nil
                state.fixedPortListeningPort = nil
            }
            return (state.listeningPort, state.fixedPortListeningPort)
        }
        if let fixedPort { new.mapping?.fixedPortListening(on: fixedPort) }
        if let port { new.mapping?.webServerListening(on: port) }
    }

    /// The web server listens on `port`: the mapping forwards to it.
    func webServerListening(on port: Int) {
        let mapping = state.withLock { state in
            state.listeningPort = port
            return state.pieces.mapping
        }
        mapping?.webServerListening(on: port)
    }

    /// The web server's second port, for the fixed port's mapping, listens on `port`.
    func fixedPortListening(on port: Int) {
        let mapping = state.withLock { state in
            state.fixedPortListeningPort = port
            return state.pieces.mapping
        }
        mapping?.fixedPortListening(on: port)
    }

    /// `/state`, from the pieces as they are now.
    func report() -> StateReport {
        let pieces = pieces
        return StateReporter(
            profile: pieces.profile, name: pieces.name, hub: pieces.hub,
            registration: pieces.mapping?.registrationStatus, site: pieces.mapping?.siteStatus
        ).report()
    }
}
