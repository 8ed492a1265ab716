/// What a camera may say about itself: a message under the site key still comes from
/// software, and a bug or a stolen key must not put markup, control characters or a
/// name no profile allows into the directory page, `/state` or the logs. So a peer's
/// fields obey the rules a camera's own profile does, and a message breaking one is
/// dropped (and counted) before anything in it is stored or served.
package enum PeerFieldRules {
    /// Why no camera would send `message`; nil when every field is one a camera sends.
    package static func problem(in message: PeerMessage) -> String? {
        if !isValidSender(message.sender) {
            return "sender '\(shown(message.sender))' is not 1 to 255 visible ASCII characters"
        }
        let camera = message.camera
        if !ProfileLoader.isValidName(camera.name) {
            return "name '\(shown(camera.name))' is not 1 to 63 letters, digits, '-' or '_'"
        }
        if !IPv4.isDottedQuad(camera.internalAddress) {
            return "address '\(shown(camera.internalAddress))' is not a dotted IPv4 address"
        }
        if !(1...65535).contains(camera.internalPort) {
            return "internal port \(camera.internalPort) is not 1 to 65535"
        }
        if let port = camera.externalPort, !(1...65535).contains(port) {
            return "external port \(port) is not 1 to 65535"
        }
        if !isValidServerValue(camera.serverValue) {
            return "server value '\(shown(camera.serverValue))' is not printable ASCII of at most 255 characters"
        }
        return nil
    }

    /// The interface's MAC address or `name@address`: visible ASCII, no spaces.
    package static func isValidSender(_ text: String) -> Bool {
        (1...255).contains(text.utf8.count) && text.utf8.allSatisfy { (0x21...0x7E).contains($0) }
    }

    /// A serial number or MAC address as a profile writes it: printable ASCII.
    package static func isValidServerValue(_ text: String) -> Bool {
        text.utf8.count <= 255 && text.utf8.allSatisfy { (0x20...0x7E).contains($0) }
    }

    /// A field as a message shows it: printable ASCII, at most 40 characters.
    static func shown(_ text: String) -> String {
        let printable = String(text.unicodeScalars.prefix(41).map { (0x20...0x7E).contains($0.value) ? Character($0) : "?" })
        return printable.count > 40 ? printable.prefix(40) + "…" : printable
    }
}
