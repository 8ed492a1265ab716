/// Text made safe inside HTML and XML alike: the camera's pages and the SOAP requests
/// sent to the router escape names and descriptions the same way (`&#39;` is a
/// character reference in both).
package enum Markup {
    package static func escape(_ text: String) -> String {
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
