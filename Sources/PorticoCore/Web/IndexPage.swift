/// The camera's own page: its name and its live stream.
enum IndexPage {
    static func html(name: String, hasCamera: Bool) -> String {
        let title = HTML.escape(name)
        let body = hasCamera
            ? #"<img id="live" src="stream" alt="live stream of \#(title)">"#
            : #"<p class="absent">This board has no camera.</p>"#
        return """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(title) · Portico</title>
        <style>
        body { font-family: system-ui, sans-serif; margin: 0; background: #111; color: #eee; }
        header { padding: .6rem 1rem; display: flex; gap: 1rem; align-items: baseline; }
        h1 { font-size: 1.2rem; margin: 0; }
        a { color: #9cf; }
        main { padding: 0 1rem 1rem; }
        #live { max-width: 100%; height: auto; display: block; background: #000; }
        </style>
        </head>
        <body>
        <header><h1>\(title)</h1><a href="snapshot">snapshot</a><a href="stream">stream</a><a href="state">state</a></header>
        <main>\(body)</main>
        </body>
        </html>
        """
    }
}

enum HTML {
    static func escape(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }
}
