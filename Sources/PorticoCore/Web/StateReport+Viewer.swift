extension StateReport {
    /// `/state` as a viewer at `place` gets it. On the LAN, everything: bring-up scripts
    /// and monitoring read it there (or over loopback). On the internet no LAN address is
    /// left in it: the site's directory as `SiteStatus.seen(from:)` has it, and the
    /// registration without the address its mapping forwards to, its last error with
    /// every IPv4 address taken out (a router's error names the router's or another
    /// camera's LAN address). Nothing else of the report holds an address: the pieces'
    /// details are the profile's settings in words, which name the interface, not its address.
    package func seen(from place: ViewerPlace) -> StateReport {
        guard place == .internet else { return self }
        var seen = self
        seen.mapping = mapping?.seen(from: place)
        seen.site = site?.seen(from: place)
        return seen
    }
}

extension RegistrationStatus {
    package func seen(from place: ViewerPlace) -> RegistrationStatus {
        guard place == .internet else { return self }
        var seen = self
        seen.internalAddress = nil
        seen.lastError = lastError.map(Self.withoutAddresses)
        return seen
    }

    /// `text` with each IPv4 address in it replaced by "<address>" (a port after it
    /// stays). Every one, not only the LAN's: a text cannot say which address is which,
    /// and the external one is in the report's own fields anyway.
    static func withoutAddresses(_ text: String) -> String {
        var out = ""
        var run = ""
        func endRun() {
            // A full stop after an address ends the sentence, not the address.
            let address = run.hasSuffix(".") ? String(run.dropLast()) : run
            out += IPv4.isDottedQuad(address) ? "<address>" + String(run.dropFirst(address.count)) : run
            run = ""
        }
        for character in text {
            if character.isASCII && (character.isNumber || character == ".") {
                run.append(character)
            } else {
                endRun()
                out.append(character)
            }
        }
        endRun()
        return out
    }
}
