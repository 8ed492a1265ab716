/// A problem in a board profile, pointing at the line that causes it.
///
/// Board engineers fix profiles from the message alone, as they would a Klipper
/// config: the message names the file, line and column, the section and key,
/// what is wrong, and what would be accepted instead.
public struct ProfileError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of problem this is; tests and tools match on it, people read `message`.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let name: String
        public var description: String { name }

        public static let syntax = Code(name: "syntax")
        public static let unsupportedSyntax = Code(name: "unsupported-syntax")
        public static let duplicateKey = Code(name: "duplicate-key")
        public static let duplicateSection = Code(name: "duplicate-section")
        public static let unknownSection = Code(name: "unknown-section")
        public static let unknownKey = Code(name: "unknown-key")
        public static let missingKey = Code(name: "missing-key")
        public static let wrongType = Code(name: "wrong-type")
        public static let outOfRange = Code(name: "out-of-range")
        public static let invalidValue = Code(name: "invalid-value")
        public static let unknownPlugin = Code(name: "unknown-plugin")
        public static let unreadable = Code(name: "unreadable")
    }

    public var code: Code
    /// The file as the user named it, so the message can be pasted into an editor.
    public var file: String
    /// 1-based; 0 when the problem is the file as a whole (unreadable, missing key in a section that is absent).
    public var line: Int
    /// 1-based; 0 when not known.
    public var column: Int
    /// `section.key`, `section` or the top-level key name; empty for syntax errors.
    public var key: String
    public var message: String
    /// What would be accepted instead, already phrased for the reader.
    public var validChoices: [String]

    public init(
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
    public static func shortened(_ text: String, limit: Int = 40) -> String {
        var out = ""
        var count = 0
        for character in text {
            if count == limit { return out + "…" }
            out.append(character.unicodeScalars.contains { $0.properties.generalCategory == .control } ? "?" : character)
            count += 1
        }
        return out
    }

    public var description: String {
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
public struct ProfileErrors: Error, Sendable, CustomStringConvertible {
    public var errors: [ProfileError]

    public init(_ errors: [ProfileError]) {
        self.errors = errors
    }

    public var description: String {
        errors.map(\.description).joined(separator: "\n")
    }
}
