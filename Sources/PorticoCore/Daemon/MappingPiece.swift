import Logging

/// How the board keeps its port on the router: on its own (`[mapping]`), or as a camera
/// of a site (`[mapping]` and `[election]`), which registers through the site's election.
enum MappingPiece {
    /// The service the profile asks for; nil without `[mapping]`.
    /// Every router exchange is timed into `exchanges` (for `/metrics`), which outlives
    /// the piece across reloads.
    static func service(profile: Profile, cameraName: String, exchanges: RouterExchanges, logger: Logger) -> (any MappingService)? {
        guard let mapping = profile.mapping else { return nil }
        let backend = TimedMappingBackend(backend: mapping.instance, exchanges: exchanges)
        if let election = profile.election {
            return SiteService(
                configuration: .init(mapping: mapping.settings, election: election.settings, cameraName: cameraName),
                backend: backend, policy: election.instance, logger: Daemon.logger(logger, piece: "site"))
        }
        return RegistrationService(
            configuration: .init(settings: mapping.settings, cameraName: cameraName),
            backend: backend, logger: Daemon.logger(logger, piece: "mapping"))
    }
}
