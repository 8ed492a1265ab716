import ServiceLifecycle

/// What keeps the board's port on the router, as the daemon sees it: a camera on its own
/// (`RegistrationService`, `[mapping]`) or a camera of a site (`SiteService`, `[mapping]`
/// and `[election]`), which registers through the site's election. The daemon, the web
/// server, the switch and the service manager ask the same of both and never which runs.
package protocol MappingService: Service, Sendable {
    /// The web server's port, once bound: what the mapping forwards to.
    func webServerListening(on port: Int)
    /// The web server's second port, for the fixed port's mapping alone where the router
    /// keeps one mapping per internal port (see `SiteService.needsFixedPortListener`).
    func fixedPortListening(on port: Int)
    /// The registration switch, in software or hardware: register now (a no-op while registered).
    func register()
    /// The long press: give the port back and stop renewing (a representative says bye first).
    func withdraw()
    /// The router's table shows the new name once the mapping is made again under it; a
    /// site's other cameras learn it at once.
    func rename(to name: String)
    /// For `/state`; nil until registration has begun.
    var registrationStatus: RegistrationStatus? { get }
    /// The site as this camera sees it, for `/state` and the directory; nil for a camera
    /// on its own, and before the site loop starts.
    var siteStatus: SiteStatus? { get }
    /// When the site loop last turned, for the watchdog; nil for a camera on its own, and
    /// before the site loop starts (waiting for an address).
    var lastTurn: ContinuousClock.Instant? { get }
}
