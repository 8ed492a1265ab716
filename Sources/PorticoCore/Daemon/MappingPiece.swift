import Logging
import ServiceLifecycle

/// How the board keeps its port on the router: on its own (`[mapping]`), or as a camera
/// of a site (`[mapping]` and `[election]`), which registers through the site's election.
enum MappingPiece: Sendable {
    case registration(RegistrationService)
    case site(SiteService)

    /// The piece the profile asks for; nil without `[mapping]`.
    /// Every router exchange is timed into `exchanges` (for `/metrics`), which outlives
    /// the piece across reloads.
    init?(profile: Profile, cameraName: String, exchanges: RouterExchanges, logger: Logger) {
        guard let mapping = profile.mapping else { return nil }
        let backend = TimedMappingBackend(backend: mapping.instance, exchanges: exchanges)
        if let election = profile.election {
            self = .site(SiteService(
                configuration: .init(mapping: mapping.settings, election: election.settings, cameraName: cameraName),
                backend: backend, policy: election.instance, logger: Daemon.logger(logger, piece: "site")))
        } else {
            self = .registration(RegistrationService(
                configuration: .init(settings: mapping.settings, cameraName: cameraName),
                backend: backend, logger: Daemon.logger(logger, piece: "mapping")))
        }
    }

    var service: any Service {
        switch self {
        case .registration(let registration): registration
        case .site(let site): site
        }
    }

    func webServerListening(on port: Int) {
        switch self {
        case .registration(let registration): registration.webServerListening(on: port)
        case .site(let site): site.webServerListening(on: port)
        }
    }

    func register() {
        switch self {
        case .registration(let registration): registration.register()
        case .site(let site): site.register()
        }
    }

    func withdraw() {
        switch self {
        case .registration(let registration): registration.withdraw()
        case .site(let site): site.withdraw()
        }
    }

    /// The site tells the others at once; either way the router's description follows.
    func rename(to name: String) {
        switch self {
        case .registration(let registration): registration.rename(to: name)
        case .site(let site): site.rename(to: name)
        }
    }

    func fixedPortListening(on port: Int) { site?.fixedPortListening(on: port) }

    var registrationStatus: RegistrationStatus? {
        switch self {
        case .registration(let registration): registration.status
        case .site(let site): site.registrationStatus
        }
    }

    var site: SiteService? {
        if case .site(let site) = self { return site }
        return nil
    }
}

