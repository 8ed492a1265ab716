/// Reads the keys of one profile section, the way Klipper reads a config section:
/// each key is asked for by the code that uses it, with its type, range and default,
/// and whatever nobody asked for is reported as unknown when the section is finished.
///
/// So the valid keys of a section are exactly those its family and its plugin read,
/// and the "unknown key" message can list them without a second list to keep in step.
/// A bad value is recorded and reading goes on, so one run reports every problem.
package struct ProfileSection: Sendable {
    /// Empty for the top of the file.
    package let name: String
    package let file: String
    /// Where `[name]` is written; missing keys are reported there.
    package let headerPosition: SourcePosition
    private let entries: [ProfileEntry]
    private var known: [String] = []
    package private(set) var errors: [ProfileError] = []

    package init(_ table: ProfileTable, file: String) {
        self.name = table.name
        self.file = file
        self.headerPosition = table.headerPosition
        self.entries = table.entries
    }

    /// The key as messages show it: `camera.fps`, or `name` at the top of the file.
    package func qualified(_ key: String) -> String {
        name.isEmpty ? key : "\(name).\(key)"
    }

    package func contains(_ key: String) -> Bool {
        entries.contains { $0.key == key }
    }

    /// Where the value of `key` is written, for messages about it found later (a device
    /// that does not offer the size the profile asks for).
    package func position(of key: String) -> SourcePosition? {
        entries.first { $0.key == key }?.value.position
    }

    // MARK: - Typed reads

    /// A string; `default: nil` makes the key required.
    package mutating func string(_ key: String, default fallback: String? = nil) -> String? {
        read(key, default: fallback, expected: "a string in quotes") { value in
            if case .string(let text) = value.kind { return .success(text) }
            return .wrongType
        }
    }

    /// A string that must be one of `choices`.
    package mutating func choice(_ key: String, from choices: [String], default fallback: String? = nil) -> String? {
        read(key, default: fallback, expected: "a string in quotes") { value in
            guard case .string(let text) = value.kind else { return .wrongType }
            return choices.contains(text)
                ? .success(text)
                : .invalid(.invalidValue, "'\(ProfileError.shortened(text))' is not one of the choices", choices.map { "\"\($0)\"" })
        }
    }

    package mutating func integer(_ key: String, in range: ClosedRange<Int>, default fallback: Int? = nil) -> Int? {
        read(key, default: fallback, expected: "an integer") { value in
            guard case .integer(let number) = value.kind else { return .wrongType }
            return range.contains(number)
                ? .success(number)
                : .invalid(.outOfRange, "\(number) is out of range", ["\(range.lowerBound) to \(range.upperBound)"])
        }
    }

    package mutating func boolean(_ key: String, default fallback: Bool? = nil) -> Bool? {
        read(key, default: fallback, expected: "true or false") { value in
            if case .boolean(let flag) = value.kind { return .success(flag) }
            return .wrongType
        }
    }

    /// A picture size `WIDTHxHEIGHT`, each side within `sides` and even (4:2:0 chroma needs pairs of pixels).
    package mutating func size(_ key: String, sides: ClosedRange<Int>, default fallback: FrameSize? = nil) -> FrameSize? {
        read(key, default: fallback, expected: "a size in quotes like \"1280x720\"") { value in
            guard case .string(let text) = value.kind else { return .wrongType }
            guard let size = FrameSize(parsing: text) else {
                return .invalid(.invalidValue, "'\(ProfileError.shortened(text))' is not a size", ["\"WIDTHxHEIGHT\", e.g. \"640x480\" or \"1280x720\""])
            }
            guard sides.contains(size.width), sides.contains(size.height) else {
                return .invalid(.outOfRange, "\(ProfileError.shortened(text)) is out of range",
                                ["width and height each \(sides.lowerBound) to \(sides.upperBound)"])
            }
            guard size.width % 2 == 0, size.height % 2 == 0 else {
                return .invalid(.invalidValue, "\(text) has an odd side", ["even width and height"])
            }
            return .success(size)
        }
    }

    package mutating func duration(_ key: String, in range: ClosedRange<Duration>, default fallback: Duration? = nil) -> Duration? {
        read(key, default: fallback, expected: "a duration in quotes like \"500ms\", \"2s\" or \"1h\"") { value in
            guard case .string(let text) = value.kind else { return .wrongType }
            guard let duration = ProfileDuration.parse(text) else {
                return .invalid(.invalidValue, "'\(ProfileError.shortened(text))' is not a duration",
                                ["a number with ms, s, m or h, e.g. \"500ms\", \"2s\", \"1h\""])
            }
            guard range.contains(duration) else {
                return .invalid(.outOfRange, "\(ProfileError.shortened(text)) is out of range",
                                ["\(ProfileDuration.format(range.lowerBound)) to \(ProfileDuration.format(range.upperBound))"])
            }
            return .success(duration)
        }
    }

    /// A port range `"8081-8099"`, each end within `ports`.
    package mutating func portRange(_ key: String, within ports: ClosedRange<Int>, default fallback: PortRange? = nil) -> PortRange? {
        read(key, default: fallback, expected: "a port range in quotes like \"8081-8099\"") { value in
            guard case .string(let text) = value.kind else { return .wrongType }
            guard let range = PortRange(parsing: text), range.lower <= range.upper else {
                return .invalid(.invalidValue, "'\(ProfileError.shortened(text))' is not a port range", ["\"LOW-HIGH\" with LOW <= HIGH, e.g. \"8081-8099\""])
            }
            guard ports.contains(range.lower), ports.contains(range.upper) else {
                return .invalid(.outOfRange, "\(ProfileError.shortened(text)) is out of range", ["ports \(ports.lowerBound) to \(ports.upperBound)"])
            }
            return .success(range)
        }
    }

    /// An array of integers, each within `range`, with a length within `count`.
    package mutating func integers(
        _ key: String, in range: ClosedRange<Int>, count: ClosedRange<Int>, default fallback: [Int]? = nil
    ) -> [Int]? {
        read(key, default: fallback, expected: "an array of integers like [17, 18, 27, 22]") { value in
            guard case .array(let elements) = value.kind else { return .wrongType }
            var numbers: [Int] = []
            for element in elements {
                guard case .integer(let number) = element.kind else { return .wrongType }
                guard range.contains(number) else {
                    return .invalid(.outOfRange, "\(number) is out of range", ["\(range.lowerBound) to \(range.upperBound)"])
                }
                numbers.append(number)
            }
            guard count.contains(numbers.count) else {
                let wanted = count.lowerBound == count.upperBound ? "\(count.lowerBound)" : "\(count.lowerBound) to \(count.upperBound)"
                return .invalid(.invalidValue, "has \(numbers.count) entries", ["\(wanted) entries"])
            }
            return .success(numbers)
        }
    }

    /// An array of strings, with a length within `count`.
    package mutating func strings(_ key: String, count: ClosedRange<Int>, default fallback: [String]? = nil) -> [String]? {
        read(key, default: fallback, expected: "an array of strings like [\"door=30,-5\"]") { value in
            guard case .array(let elements) = value.kind else { return .wrongType }
            var texts: [String] = []
            for element in elements {
                guard case .string(let text) = element.kind else { return .wrongType }
                texts.append(text)
            }
            guard count.contains(texts.count) else {
                return .invalid(.invalidValue, "has \(texts.count) entries", ["\(count.lowerBound) to \(count.upperBound) entries"])
            }
            return .success(texts)
        }
    }

    /// Records a problem with `key` found by the caller (a plugin's own check), pointing at its value.
    package mutating func reject(_ key: String, _ code: ProfileError.Code, _ message: String, validChoices: [String] = []) {
        let position = position(of: key) ?? headerPosition
        errors.append(ProfileError(code, file: file, line: position.line, column: position.column,
                                   key: qualified(key), message: message, validChoices: validChoices))
    }

    /// Reports every key nobody read, listing the ones that were, and returns all errors of the section.
    package mutating func finish() -> [ProfileError] {
        for entry in entries where !known.contains(entry.key) {
            let where_ = name.isEmpty ? "at the top of the profile" : "in [\(name)]"
            errors.append(ProfileError(
                .unknownKey, file: file, line: entry.keyPosition.line, column: entry.keyPosition.column,
                key: qualified(entry.key), message: "unknown key \(where_)", validChoices: known))
        }
        return errors
    }

    // MARK: - The one read path

    private enum Outcome<T> {
        case success(T)
        case wrongType
        case invalid(ProfileError.Code, String, [String])
    }

    private mutating func read<T>(
        _ key: String, default fallback: T?, expected: String, _ convert: (ProfileValue) -> Outcome<T>
    ) -> T? {
        if !known.contains(key) { known.append(key) }
        guard let entry = entries.first(where: { $0.key == key }) else {
            if fallback == nil {
                let line = headerPosition.line
                errors.append(ProfileError(
                    .missingKey, file: file, line: line, column: line > 0 ? headerPosition.column : 0,
                    key: qualified(key),
                    message: name.isEmpty ? "required key is missing" : "required key is missing from [\(name)]",
                    validChoices: [expected]))
            }
            return fallback
        }
        let value = entry.value
        switch convert(value) {
        case .success(let result):
            return result
        case .wrongType:
            errors.append(ProfileError(
                .wrongType, file: file, line: value.position.line, column: value.position.column,
                key: qualified(key), message: "expected \(expected), found \(describe(value))"))
        case .invalid(let code, let message, let choices):
            errors.append(ProfileError(
                code, file: file, line: value.position.line, column: value.position.column,
                key: qualified(key), message: message, validChoices: choices))
        }
        return nil
    }

    private func describe(_ value: ProfileValue) -> String {
        switch value.kind {
        case .string(let text): "the string \"\(ProfileError.shortened(text))\""
        case .integer(let number): "the integer \(number)"
        case .float(let number): "the float \(number)"
        case .boolean(let flag): "\(flag)"
        case .array(let items): "an array of \(items.count)"
        }
    }
}
