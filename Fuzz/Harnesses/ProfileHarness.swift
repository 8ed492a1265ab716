import CompiledInPlugins
import PorticoCore

/// A board profile as `portico run` and `portico probe` read it: parsed, then loaded
/// with every compiled-in plugin reading its own section.
///
/// Beyond not crashing: every error points inside the file (a board engineer fixes the
/// profile from the line and column alone), every parsed value is placed inside it, and
/// nothing loads that does not parse.
package enum ProfileHarness {
    /// The plugins the executable compiles in, so each plugin's option reading is fuzzed too.
    static let registry = CompiledInPlugins.registry

    static let file = "fuzz.toml"

    package static func run(_ input: [UInt8]) throws(InvariantViolation) {
        let text = String(decoding: input, as: UTF8.self)
        let lines = text.utf8.count(where: { $0 == UInt8(ascii: "\n") }) + 1
        let parsed = Result { () throws(ProfileErrors) in try ProfileParser.parse(text, file: file) }
        switch parsed {
        case .success(let document):
            for table in [document.root] + document.sections {
                try InvariantViolation.check(
                    table.entries.allSatisfy { (1...lines).contains($0.value.position.line) && $0.value.position.column >= 1 },
                    "a value of [\(table.name)] is placed outside the file")
            }
        case .failure(let errors):
            try check(errors, lines: lines, stage: "parse")
        }
        switch Result(catching: { () throws(ProfileErrors) in try ProfileLoader(registry: registry).load(text: text, file: file) }) {
        case .success:
            try InvariantViolation.check((try? parsed.get()) != nil, "the profile loaded although it did not parse")
        case .failure(let errors):
            try check(errors, lines: lines, stage: "load")
        }
    }

    private static func check(_ errors: ProfileErrors, lines: Int, stage: String) throws(InvariantViolation) {
        try InvariantViolation.check(!errors.errors.isEmpty, "\(stage) failed without saying why")
        for error in errors.errors {
            try InvariantViolation.check(error.file == file, "\(stage) error names file '\(error.file)': \(error)")
            try InvariantViolation.check((0...lines).contains(error.line) && error.column >= 0,
                                         "\(stage) error points outside the file's \(lines) lines: \(error)")
        }
    }
}
