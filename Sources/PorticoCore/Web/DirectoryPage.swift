/// The representative's page: every camera of the site, each linked at the router's
/// external address, with a live thumbnail; then this camera's own stream.
enum DirectoryPage {
    static func html(name: String, site: SiteStatus, hasCamera: Bool) -> String {
        let items = site.directory.cameras.map { camera -> String in
            let title = Markup.escape(camera.name)
            // Any host on the LAN can add a mapping under a camera's name: say so.
            let unverified = camera.verified ? "" : " · unverified"
            guard let url = camera.url.map(Markup.escape) else {
                return "<li><span class=\"name\">\(title)</span> <span class=\"note\">port \(camera.external_port); external address not known yet\(unverified)</span></li>"
            }
            return """
            <li\(camera.verified ? "" : " class=\"unverified\"")><a href="\(url)"><img src="\(url)snapshot" alt="" loading="lazy"><span class="name">\(title)</span></a>\
            <span class="note">\(url)\(camera.representative ? " · representative" : "")\(unverified)</span></li>
            """
        }.joined(separator: "\n")
        let own = hasCamera ? #"<h2>\#(Markup.escape(name))</h2><img id="live" src="stream" alt="live stream">"# : ""
        return PageFrame.html(
            title: "Cameras · Portico", header: "<h1>Cameras (\(site.directory.cameras.count))</h1>",
            main: "<ul id=\"directory\">\n\(items)\n</ul>\n\(own)",
            style: """
            main { padding-top: .6rem; }
            ul { list-style: none; padding: 0; display: grid; grid-template-columns: repeat(auto-fill, minmax(14rem, 1fr)); gap: .8rem; }
            li img { width: 100%; aspect-ratio: 4 / 3; object-fit: cover; background: #000; display: block; }
            .name { display: block; font-weight: 600; margin-top: .3rem; } .note { color: #999; font-size: .8rem; }
            """)
    }
}
