/// The head, style and frame every Portico page shares, so the camera's page and the
/// directory look like one product and a style change is made once.
enum PageFrame {
    static func html(title: String, header: String, main: String, style: String = "", script: String = "") -> String {
        """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(title)</title>
        <style>
        body { font-family: system-ui, sans-serif; margin: 0; background: #111; color: #eee; }
        header { padding: .6rem 1rem; display: flex; gap: 1rem; align-items: baseline; flex-wrap: wrap; }
        main { padding: 0 1rem 1rem; }
        h1 { font-size: 1.2rem; margin: 0; } h2 { font-size: 1rem; }
        a { color: #9cf; text-decoration: none; }
        #live { max-width: 100%; height: auto; display: block; background: #000; }
        \(style)
        </style>
        </head>
        <body>
        <header>\(header)</header>
        <main>\(main)</main>
        \(script.isEmpty ? "" : "<script>\n\(script)\n</script>")
        </body>
        </html>
        """
    }
}
