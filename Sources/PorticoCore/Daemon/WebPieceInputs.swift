/// What the web server takes from the profile's other sections when it starts. It keeps
/// them as they were, so a reload restarts it when (and only when) one of them changes:
/// a new lease, backend or election policy that leaves all of them alone leaves the web
/// server, and every viewer of its streams, as they were.
struct WebPieceInputs: Equatable {
    /// `[camera]` present: it serves the frames of the hub the camera feeds.
    var hasCamera: Bool
    /// It also listens on a port of its own for the fixed port's mapping: a camera of a
    /// site whose router keeps one mapping per internal port (see
    /// `SiteService.needsFixedPortListener`). A backend changed from UPnP to NAT-PMP
    /// needs that listener, which only a new web server has.
    var fixedPortListener: Bool
    /// `[mapping] interface`: whose viewers are on the LAN (the admin's reach, the
    /// directory's LAN addresses).
    var lanInterface: String?
    /// How often the directory page reads the site again: its inquiry interval, within reason.
    var directoryRefresh: Duration
    /// `[mapping]` present: `/metrics` carries the router exchanges.
    var mapsPort: Bool

    init(_ profile: Profile) {
        hasCamera = profile.camera != nil
        fixedPortListener = profile.election != nil && profile.mapping.map { SiteService.needsFixedPortListener(backend: $0.instance) } ?? false
        lanInterface = profile.mapping?.settings.interface
        directoryRefresh = min(max(profile.election?.settings.inquiry ?? .seconds(1), .milliseconds(500)), .seconds(10))
        mapsPort = profile.mapping != nil
    }
}
