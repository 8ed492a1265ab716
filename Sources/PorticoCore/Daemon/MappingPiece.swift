import Logging
import ServiceLifecycle

/// How the board keeps its port on the router: on its own (`[mapping]`), or as a camera
/// of a site (`[mapping]` and `[election]`), which registers through the site's election.
enum MappingPiece: Sendable {
    case registration(RegistrationService)
    case site(SiteService)

    /// The piece the profile asks for; nil without `[mapping]`.
    init?(profile: Profile, cameraName: String, logger: Logger) {
        guard let mapping = profile.mapping else { return nil }
        if let election = profile.election {
            self = .site(SiteService(
                configuration: .init(mapping: mapping.settings, election: election.settings, cameraName: cameraName),
                backend: mapping.instance, policy: election.instance, logger: Daemon.logger(logger, piece: "site")))
        } else {
            self = .registration(RegistrationService(
                configuration: .init(settings: mapping.settings, cameraName: cameraName),
                backend: mapping.instance, logger: Daemon.logger(logger, piece: "mapping")))
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

    /// Only a site tells others the name at once; alone, the next mapping carries it.
    func rename(to name: String) {
        if case .site(let site) = self { site.rename(to: name) }
    }

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

