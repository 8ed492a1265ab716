/// The representative's page at `/`: every camera of the site as a tile with a live
/// thumbnail, each linked where this viewer can reach it (see `ViewerPlace`), kept
/// current by `directory.js`.
enum DirectoryPage {
    /// `site` as this viewer sees it (`SiteStatus.seen(from:)`).
    static func html(site: SiteStatus, refresh: Duration, hasCamera: Bool) -> String {
        let tiles = site.directory.cameras.map(tile).joined(separator: "\n")
        let milliseconds = refresh.components.seconds * 1000 + refresh.components.attoseconds / 1_000_000_000_000_000
        return PageTemplate.directory.render([
            "style": PageTemplate.style,
            "script": PageTemplate.directoryScript,
            "count": String(site.directory.cameras.count),
            "refresh_ms": String(milliseconds),
            "tiles": tiles,
            "own_camera": hasCamera ? #"<a class="button" href="/camera">This camera</a>"# : "",
        ])
    }

    static func tile(_ camera: Directory.Entry) -> String {
        var notes: [String] = []
        if let url = camera.url {
            notes.append(String(url.dropFirst("http://".count).dropLast()))
        } else {
            notes.append("port \(camera.external_port); external address not known yet")
        }
        if camera.representative { notes.append("representative") }
        // Any host on the LAN can add a mapping under a camera's name: say so.
        if !camera.verified { notes.append("unverified") }
        let values = ["name": camera.name, "url": camera.url ?? "", "note": notes.joined(separator: " · "),
                      "class": camera.verified ? "" : " unverified"]
        return camera.url == nil ? PageTemplate.pendingTile.render(values) : PageTemplate.tile.render(values)
    }
}
