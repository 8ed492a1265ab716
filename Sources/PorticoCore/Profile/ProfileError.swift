/// A problem in a board profile, pointing at the line that causes it.
///
/// Board engineers fix profiles from the message alone, as they would a Klipper
/// config: the message names the file, line and column, the section and key,
/// what is wrong, and what would be accepted instead.
package struct ProfileError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of problem this is; tests and tools match on it, people read `message`.
    package struct Code: Hashable, Sendable, CustomStringConvertible {
        package let name: String
        package var description: String { name }

        package static let syntax = Code(name: "syntax")
        package static let unsupportedSyntax = Code(name: "unsupported-syntax")
        package static let duplicateKey = Code(name: "duplicate-key")
        package static let duplicateSection = Code(name: "duplicate-section")
        package static let unknownSection = Code(name: "unknown-section")
        package static let unknownKey = Code(name: "unknown-key")
        package static let missingKey = Code(name: "missing-key")
        package static let wrongType = Code(name: "wrong-type")
        package static let outOfRange = Code(name: "out-of-range")
        package static let invalidValue = Code(name: "invalid-value")
        package static let unknownPlugin = Code(name: "unknown-plugin")
        package static let unreadable = Code(name: "unreadable")
    }

    package var code: Code
    /// The file as the user named it, so the message can be pasted into an editor.
    package var file: String
    /// 1-based; 0 when the problem is the file as a whole (unreadable, missing key in a section that is absent).
    package var line: Int
    /// 1-based; 0 when not known.
    package var column: Int
    /// `section.key`, `section` or the top-level key name; empty for syntax errors.
    package var key: String
    package var message: String
    /// What would be accepted instead, already phrased for the reader.
    package var validChoices: [String]

    package init(
        _ code: Code, file: String, line: Int, column: Int = 0, key: String = "",
        message: String, validChoices: [String] = []
    ) {
        self.code = code
        self.file = file
        self.line = line
        self.column = column
        self.key = key
        self.message = message
        self.validChoices = validChoices
    }

    /// A value as a message quotes it: at most `limit` characters, the rest elided, with
    /// control characters shown as '?'. A value of a kilobyte would push the key and the
    /// valid choices out of a terminal line, and a control character could rewrite it.
    package static func shortened(_ text: String, limit: Int = 40) -> String {
        var out = ""
        var count = 0
        for character in text {
            if count == limit { return out + "…" }
            out.append(character.unicodeScalars.contains { $0.properties.generalCategory == .control } ? "?" : character)
            count += 1
        }
        return out
    }

    package var description: String {
        var place = file
        if line > 0 { place += ":\(line)" }
        if line > 0 && column > 0 { place += ":\(column)" }
        var text = "\(place): "
        if !key.isEmpty { text += "\(key): " }
        text += message
        if !validChoices.isEmpty { text += " (valid: \(validChoices.joined(separator: ", ")))" }
        return text
    }
}

/// Every problem found in one profile: it is validated as a whole, so one run lists them all.
package struct ProfileErrors: Error, Sendable, CustomStringConvertible {
    package var errors: [ProfileError]

    package init(_ errors: [ProfileError]) {
        self.errors = errors
    }

    package var description: String {
        errors.map(\.description).joined(separator: "\n")
    }
}
