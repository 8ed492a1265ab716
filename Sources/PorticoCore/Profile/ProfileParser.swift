/// Reads a board profile: the part of TOML that profiles need, with the position of
/// every key and value kept.
///
/// Portico does not use a general TOML library here because none available keeps
/// positions for values, and a profile error must name the line. What a profile
/// never needs (dotted keys, inline tables, arrays of tables, multi-line strings,
/// dates) is refused with its own message rather than half-supported.
///
/// Parsing carries on past a bad line, so one run lists every syntax problem. Nothing in
/// a file can trap or exhaust it: arrays are one level deep, numbers are read with
/// overflow checked, and values quoted back in messages are shortened.
package struct ProfileParser {
    private let file: String
    private let bytes: [UInt8]
    private var index = 0
    private var line = 1
    private var lineStart = 0
    private var errors: [ProfileError] = []

    private init(file: String, text: String) {
        self.file = file
        self.bytes = Array(text.utf8)
    }

    /// Parses `text`, naming `file` in positions and errors.
    package static func parse(_ text: String, file: String) throws(ProfileErrors) -> ProfileDocument {
        var parser = ProfileParser(file: file, text: text)
        let document = parser.document()
        if !parser.errors.isEmpty { throw ProfileErrors(parser.errors) }
        return document
    }

    // MARK: - Structure

    private mutating func document() -> ProfileDocument {
        var root = ProfileTable(name: "", headerPosition: SourcePosition(line: 0, column: 0), entries: [])
        var sections: [ProfileTable] = []
        var sectionLines: [String: Int] = [:]

        while index < bytes.count {
            skipBlank()
            guard let byte = peek() else { break }
            if byte == UInt8(ascii: "\n") {
                advanceLine()
                continue
            }
            if byte == UInt8(ascii: "#") {
                skipToEndOfLine()
                continue
            }
            do {
                if byte == UInt8(ascii: "[") {
                    let header = try sectionHeader()
                    if let first = sectionLines[header.name] {
                        errors.append(error(.duplicateSection, at: header.headerPosition, key: header.name,
                                            "section [\(header.name)] appears twice; it was first opened on line \(first)"))
                    } else {
                        sectionLines[header.name] = header.headerPosition.line
                    }
                    sections.append(header)
                } else {
                    let entry = try keyValue()
                    if sections.isEmpty {
                        add(entry, to: &root)
                    } else {
                        add(entry, to: &sections[sections.count - 1])
                    }
                }
                try endOfLine()
            } catch {
                errors.append(error)
                skipToEndOfLine()
            }
        }
        return ProfileDocument(file: file, root: root, sections: sections)
    }

    private mutating func add(_ entry: ProfileEntry, to table: inout ProfileTable) {
        if let first = table.entries.first(where: { $0.key == entry.key }) {
            let qualified = table.name.isEmpty ? entry.key : "\(table.name).\(entry.key)"
            errors.append(error(.duplicateKey, at: entry.keyPosition, key: qualified,
                                "key is set twice; it was first set on line \(first.keyPosition.line)"))
            return
        }
        table.entries.append(entry)
    }

    private mutating func sectionHeader() throws(ProfileError) -> ProfileTable {
        let position = here()
        index += 1  // [
        if peek() == UInt8(ascii: "[") {
            throw error(.unsupportedSyntax, at: position,
                        "arrays of tables ([[...]]) are not used in profiles; each piece of hardware is one [section]")
        }
        skipBlank()
        let name = try key()
        skipBlank()
        if peek() == UInt8(ascii: ".") {
            throw error(.unsupportedSyntax, at: here(),
                        "nested sections ([a.b]) are not used in profiles; write [\(name)] and its keys")
        }
        guard peek() == UInt8(ascii: "]") else {
            throw error(.syntax, at: here(), "expected ']' to close the section name [\(name)")
        }
        index += 1
        return ProfileTable(name: name, headerPosition: position, entries: [])
    }

    private mutating func keyValue() throws(ProfileError) -> ProfileEntry {
        let keyPosition = here()
        let name = try key()
        skipBlank()
        if peek() == UInt8(ascii: ".") {
            throw error(.unsupportedSyntax, at: here(), key: name,
                        "dotted keys are not used in profiles; put the key in its own [section]")
        }
        guard peek() == UInt8(ascii: "=") else {
            throw error(.syntax, at: here(), key: name, "expected '=' after the key")
        }
        index += 1
        skipBlank()
        let value = try value(key: name)
        return ProfileEntry(key: name, keyPosition: keyPosition, value: value)
    }

    private mutating func key() throws(ProfileError) -> String {
        let start = here()
        if peek() == UInt8(ascii: "\"") {
            return try basicString(key: "")
        }
        var name: [UInt8] = []
        while let byte = peek(), isBareKeyByte(byte) {
            name.append(byte)
            index += 1
        }
        if name.isEmpty {
            let found = peek().map { "'\(Character(Unicode.Scalar($0)))'" } ?? "the end of the file"
            throw error(.syntax, at: start, "expected a key name (letters, digits, '_' or '-'), found \(found)")
        }
        return String(decoding: name, as: UTF8.self)
    }

    // MARK: - Values

    private mutating func value(key: String) throws(ProfileError) -> ProfileValue {
        let position = here()
        guard let byte = peek(), byte != UInt8(ascii: "\n"), byte != UInt8(ascii: "#") else {
            throw error(.syntax, at: position, key: key, "expected a value after '='")
        }
        switch byte {
        case UInt8(ascii: "\""):
            if startsWith("\"\"\"") {
                throw error(.unsupportedSyntax, at: position, key: key,
                            "multi-line strings are not used in profiles; write the string on one line")
            }
            return ProfileValue(.string(try basicString(key: key)), at: position)
        case UInt8(ascii: "'"):
            if startsWith("'''") {
                throw error(.unsupportedSyntax, at: position, key: key,
                            "multi-line strings are not used in profiles; write the string on one line")
            }
            return ProfileValue(.string(try literalString(key: key)), at: position)
        case UInt8(ascii: "["):
            return try array(key: key)
        case UInt8(ascii: "{"):
            throw error(.unsupportedSyntax, at: position, key: key,
                        "inline tables are not used in profiles; use a [section]")
        default:
            return try bareValue(key: key)
        }
    }

    private mutating func array(key: String) throws(ProfileError) -> ProfileValue {
        let position = here()
        index += 1  // [
        var elements: [ProfileValue] = []
        while true {
            skipWhitespaceCommentsAndNewlines()
            guard let byte = peek() else {
                throw error(.syntax, at: position, key: key, "array is not closed with ']'")
            }
            if byte == UInt8(ascii: "]") {
                index += 1
                break
            }
            // Refused before it is read, not after: reading it first would recurse once per
            // '[' and a file of 10,000 of them would overflow the stack. Profiles only have
            // flat arrays, so the depth limit is one.
            if byte == UInt8(ascii: "[") {
                throw error(.unsupportedSyntax, at: here(), key: key, "arrays of arrays are not used in profiles")
            }
            elements.append(try value(key: key))
            skipWhitespaceCommentsAndNewlines()
            if peek() == UInt8(ascii: ",") {
                index += 1
            } else if peek() != UInt8(ascii: "]") {
                throw error(.syntax, at: here(), key: key, "expected ',' or ']' in the array")
            }
        }
        return ProfileValue(.array(elements), at: position)
    }

    private mutating func basicString(key: String) throws(ProfileError) -> String {
        let start = here()
        index += 1  // "
        var out: [UInt8] = []
        while true {
            guard let byte = peek(), byte != UInt8(ascii: "\n") else {
                throw error(.syntax, at: start, key: key, "string is not closed with '\"' on the same line")
            }
            index += 1
            if byte == UInt8(ascii: "\"") { break }
            if byte != UInt8(ascii: "\\") {
                out.append(byte)
                continue
            }
            let escapePosition = SourcePosition(line: line, column: index - lineStart)
            guard let escaped = peek() else { continue }
            index += 1
            switch escaped {
            case UInt8(ascii: "\""): out.append(UInt8(ascii: "\""))
            case UInt8(ascii: "\\"): out.append(UInt8(ascii: "\\"))
            case UInt8(ascii: "n"): out.append(UInt8(ascii: "\n"))
            case UInt8(ascii: "t"): out.append(UInt8(ascii: "\t"))
            case UInt8(ascii: "r"): out.append(UInt8(ascii: "\r"))
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "u"), UInt8(ascii: "U"):
                let digits = escaped == UInt8(ascii: "u") ? 4 : 8
                guard index + digits <= bytes.count,
                      bytes[index..<index + digits].allSatisfy({ Self.digitValue($0) != nil }),
                      let code = UInt32(String(decoding: bytes[index..<index + digits], as: UTF8.self), radix: 16),
                      let scalar = Unicode.Scalar(code)
                else {
                    throw error(.syntax, at: escapePosition, key: key, "invalid unicode escape in string")
                }
                index += digits
                out.append(contentsOf: Array(String(Character(scalar)).utf8))
            default:
                throw error(.syntax, at: escapePosition, key: key,
                            "unknown escape '\\\(Character(Unicode.Scalar(escaped)))' in string",
                            choices: ["\\\"", "\\\\", "\\n", "\\t", "\\uXXXX"])
            }
        }
        guard let text = String(validating: out, as: UTF8.self) else {
            throw error(.syntax, at: start, key: key, "string is not valid UTF-8")
        }
        return text
    }

    private mutating func literalString(key: String) throws(ProfileError) -> String {
        let start = here()
        index += 1  // '
        var out: [UInt8] = []
        while true {
            guard let byte = peek(), byte != UInt8(ascii: "\n") else {
                throw error(.syntax, at: start, key: key, "string is not closed with \"'\" on the same line")
            }
            index += 1
            if byte == UInt8(ascii: "'") { break }
            out.append(byte)
        }
        guard let text = String(validating: out, as: UTF8.self) else {
            throw error(.syntax, at: start, key: key, "string is not valid UTF-8")
        }
        return text
    }

    /// Booleans and numbers: everything up to a delimiter, then decided as a whole,
    /// so `80%` or `fast` get one clear message instead of a half-read number.
    private mutating func bareValue(key: String) throws(ProfileError) -> ProfileValue {
        let position = here()
        var token: [UInt8] = []
        while let byte = peek(), !isValueDelimiter(byte) {
            token.append(byte)
            index += 1
        }
        let text = String(decoding: token, as: UTF8.self)
        switch text {
        case "true": return ProfileValue(.boolean(true), at: position)
        case "false": return ProfileValue(.boolean(false), at: position)
        default: break
        }
        if let integer = Self.integer(text) {
            return ProfileValue(.integer(integer), at: position)
        }
        if let float = Self.float(text) {
            return ProfileValue(.float(float), at: position)
        }
        if looksLikeInteger(text) {
            throw error(.syntax, at: position, key: key, "'\(ProfileError.shortened(text))' is not an integer",
                        choices: ["\(Int.min) to \(Int.max) without leading zeros, or 0x, 0o, 0b digits without a sign; '_' only between digits"])
        }
        if text.count >= 10, text.contains("-"), text.first?.isNumber == true {
            throw error(.unsupportedSyntax, at: position, key: key, "dates are not used in profiles")
        }
        let shown = ProfileError.shortened(text)
        throw error(.syntax, at: position, key: key,
                    "'\(shown)' is not a value; put text in quotes (\"\(shown)\"), or write a number, true or false")
    }

    /// Exactly TOML's integers: decimal with an optional sign and no leading zero, or
    /// `0x`, `0o`, `0b` without a sign; `_` only between two digits. Digits are added up
    /// with overflow checked, so a number past 64 bits is no integer rather than a trap,
    /// and nothing else (`-+5`, `0x-8`) slips through a library parser's wider grammar.
    static func integer(_ text: String) -> Int? {
        var digits = Substring(text).utf8
        var negative = false
        var radix: UInt64 = 10
        if let first = digits.first, first == UInt8(ascii: "+") || first == UInt8(ascii: "-") {
            negative = first == UInt8(ascii: "-")
            digits = digits.dropFirst()
        } else if digits.count > 2, digits.first == UInt8(ascii: "0") {
            switch digits.dropFirst().first {
            case UInt8(ascii: "x"): radix = 16
            case UInt8(ascii: "o"): radix = 8
            case UInt8(ascii: "b"): radix = 2
            default: break
            }
            if radix != 10 { digits = digits.dropFirst(2) }
        }
        guard let first = digits.first, first != UInt8(ascii: "_"), digits.last != UInt8(ascii: "_") else { return nil }
        if radix == 10 && first == UInt8(ascii: "0") && digits.count > 1 { return nil }  // no leading zeros
        var magnitude: UInt64 = 0
        var previousWasUnderscore = false
        for byte in digits {
            if byte == UInt8(ascii: "_") {
                if previousWasUnderscore { return nil }
                previousWasUnderscore = true
                continue
            }
            previousWasUnderscore = false
            guard let digit = digitValue(byte), digit < radix else { return nil }
            let (shifted, overflowA) = magnitude.multipliedReportingOverflow(by: radix)
            let (sum, overflowB) = shifted.addingReportingOverflow(digit)
            guard !overflowA && !overflowB else { return nil }
            magnitude = sum
        }
        if negative {
            guard magnitude <= UInt64(Int.max) + 1 else { return nil }
            return magnitude == UInt64(Int.max) + 1 ? Int.min : -Int(magnitude)
        }
        return magnitude <= UInt64(Int.max) ? Int(magnitude) : nil
    }

    private static func digitValue(_ byte: UInt8) -> UInt64? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt64(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt64(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt64(byte - UInt8(ascii: "A") + 10)
        default: nil
        }
    }

    /// A sign, digits and underscores only, or a radix prefix: meant as an integer, so the
    /// message says what an integer may be.
    private func looksLikeInteger(_ text: String) -> Bool {
        let body = text.drop { $0 == "+" || $0 == "-" }
        if body.hasPrefix("0x") || body.hasPrefix("0o") || body.hasPrefix("0b") { return true }
        return !body.isEmpty && body.allSatisfy { $0.isASCII && ($0.isNumber || $0 == "_") }
    }

    static func float(_ text: String) -> Double? {
        switch text {
        case "inf", "+inf": return .infinity
        case "-inf": return -.infinity
        case "nan", "+nan", "-nan": return .nan
        default: break
        }
        guard text.contains(where: { $0 == "." || $0 == "e" || $0 == "E" }),
              text.allSatisfy({ $0.isNumber || "+-._eE".contains($0) }),
              !text.contains("__"), !text.hasSuffix("."), !text.hasPrefix("."), !text.hasPrefix("_")
        else { return nil }
        return Double(text.filter { $0 != "_" })
    }

    // MARK: - Lexing helpers

    private func peek() -> UInt8? {
        index < bytes.count ? bytes[index] : nil
    }

    private func startsWith(_ literal: String) -> Bool {
        let want = Array(literal.utf8)
        return index + want.count <= bytes.count && Array(bytes[index..<index + want.count]) == want
    }

    private func here() -> SourcePosition {
        SourcePosition(line: line, column: index - lineStart + 1)
    }

    private func isBareKeyByte(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
            || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
            || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
            || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
    }

    private func isValueDelimiter(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\n")
            || byte == UInt8(ascii: "\r") || byte == UInt8(ascii: "#") || byte == UInt8(ascii: ",")
            || byte == UInt8(ascii: "]")
    }

    private mutating func skipBlank() {
        while let byte = peek(), byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\r") {
            index += 1
        }
    }

    private mutating func skipWhitespaceCommentsAndNewlines() {
        while let byte = peek() {
            if byte == UInt8(ascii: "\n") {
                advanceLine()
            } else if byte == UInt8(ascii: "#") {
                while let next = peek(), next != UInt8(ascii: "\n") { index += 1 }
            } else if byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\r") {
                index += 1
            } else {
                return
            }
        }
    }

    private mutating func advanceLine() {
        index += 1
        line += 1
        lineStart = index
    }

    private mutating func skipToEndOfLine() {
        while let byte = peek(), byte != UInt8(ascii: "\n") { index += 1 }
        if peek() == UInt8(ascii: "\n") { advanceLine() }
    }

    /// After a header or an entry only a comment may follow on the same line.
    private mutating func endOfLine() throws(ProfileError) {
        skipBlank()
        guard let byte = peek() else { return }
        if byte == UInt8(ascii: "#") {
            skipToEndOfLine()
        } else if byte == UInt8(ascii: "\n") {
            advanceLine()
        } else {
            throw error(.syntax, at: here(), "unexpected text after the value; one key = value per line")
        }
    }

    private func error(
        _ code: ProfileError.Code, at position: SourcePosition, key: String = "", _ message: String,
        choices: [String] = []
    ) -> ProfileError {
        ProfileError(code, file: file, line: position.line, column: position.column, key: key,
                     message: message, validChoices: choices)
    }
}
