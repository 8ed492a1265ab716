/// A page's HTML, kept in its own file beside this one (`*.html`, `page.css`, `*.js`) and
/// compiled into the binary by the package manifest (`.embedInCode`): a board needs no
/// files and no network to serve its pages, and changing a page means editing HTML.
///
/// The syntax is Mustache's two variable forms and nothing else: `{{key}}` is replaced by
/// the value escaped for HTML, `{{{key}}}` by the value as it is (markup rendered from
/// another template, the style sheet, a script). A key the caller does not supply
/// renders as nothing; an unclosed `{{` stays as text. Logic (which blocks a board
/// shows) stays in Swift, one small template per block, rather than growing a language
/// here.
struct PageTemplate: Sendable {
    let text: String

    init(_ bytes: [UInt8]) {
        text = String(decoding: bytes, as: UTF8.self)
    }

    init(text: String) {
        self.text = text
    }

    func render(_ values: [String: String]) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        var rest = text[...]
        while let open = rest.firstRange(of: "{{") {
            out += rest[..<open.lowerBound]
            let raw = rest[open.upperBound...].hasPrefix("{")
            let start = raw ? rest.index(after: open.upperBound) : open.upperBound
            guard let close = rest[start...].firstRange(of: raw ? "}}}" : "}}") else {
                out += rest[open.lowerBound...]
                return out
            }
            let key = String(rest[start..<close.lowerBound].filter { $0 != " " })
            let value = values[key] ?? ""
            out += raw ? value : Markup.escape(value)
            rest = rest[close.upperBound...]
        }
        out += rest
        return out
    }

    static let camera = PageTemplate(PackageResources.camera_html)
    static let cameraView = PageTemplate(PackageResources.camera_view_html)
    static let registration = PageTemplate(PackageResources.registration_html)
    static let panTilt = PageTemplate(PackageResources.pan_tilt_html)
    static let preset = PageTemplate(PackageResources.preset_html)
    static let directory = PageTemplate(PackageResources.directory_html)
    static let tile = PageTemplate(PackageResources.tile_html)
    static let pendingTile = PageTemplate(PackageResources.tile_pending_html)
    static let login = PageTemplate(PackageResources.login_html)
    static let style = String(decoding: PackageResources.page_css, as: UTF8.self)
    static let cameraScript = String(decoding: PackageResources.camera_js, as: UTF8.self)
    static let panTiltScript = String(decoding: PackageResources.ptz_js, as: UTF8.self)
    static let directoryScript = String(decoding: PackageResources.directory_js, as: UTF8.self)
}
