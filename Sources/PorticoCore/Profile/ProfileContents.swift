/// What a profile says, section by section, as values alone: positions, comments, blank
/// lines and the order of keys are left out, so a profile edited without changing
/// what it asks for compares equal to the one before. A reload compares these to know
/// which pieces of a running board to restart.
package struct ProfileContents: Sendable, Equatable {
    /// Keyed by section name; `""` holds the keys above the first section.
    package private(set) var sections: [String: [String: ProfileValue.Kind]]

    package init(_ document: ProfileDocument) {
        sections = [:]
        for table in [document.root] + document.sections {
            var values: [String: ProfileValue.Kind] = [:]
            for entry in table.entries { values[entry.key] = Self.withoutPositions(entry.value.kind) }
            sections[table.name] = values
        }
        if sections[""]?.isEmpty == true { sections[""] = nil }
    }

    /// The names of the sections that differ between `self` and `other`, an added or a
    /// removed one included, sorted; `""` stands for the keys above the first section.
    package func changedSections(from other: ProfileContents) -> [String] {
        Set(sections.keys).union(other.sections.keys).filter { sections[$0] != other.sections[$0] }.sorted()
    }

    /// An array's elements carry their positions; two arrays written on other lines are
    /// still the same value.
    private static func withoutPositions(_ kind: ProfileValue.Kind) -> ProfileValue.Kind {
        guard case .array(let elements) = kind else { return kind }
        return .array(elements.map { ProfileValue(withoutPositions($0.kind), at: SourcePosition(line: 0, column: 0)) })
    }
}
