/// A place in a profile file.
package struct SourcePosition: Sendable, Equatable {
    package var line: Int
    package var column: Int

    package init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }
}

/// A value as written in the profile, with where it was written.
package struct ProfileValue: Sendable, Equatable {
    package enum Kind: Sendable, Equatable {
        case string(String)
        case integer(Int)
        case float(Double)
        case boolean(Bool)
        case array([ProfileValue])
    }

    package var kind: Kind
    package var position: SourcePosition

    package init(_ kind: Kind, at position: SourcePosition) {
        self.kind = kind
        self.position = position
    }

    /// The TOML type name, as used in "expected X, found Y" messages.
    package var typeName: String {
        switch kind {
        case .string: "string"
        case .integer: "integer"
        case .float: "float"
        case .boolean: "boolean"
        case .array: "array"
        }
    }
}

/// One `key = value` line.
package struct ProfileEntry: Sendable, Equatable {
    package var key: String
    /// Where the key starts: errors about the key itself (unknown, duplicate) point here.
    package var keyPosition: SourcePosition
    package var value: ProfileValue
}

/// The keys of one `[section]`, or of the top of the file before any section.
package struct ProfileTable: Sendable, Equatable {
    /// Empty for the top of the file.
    package var name: String
    /// Where the `[section]` header is; line 0 for the top of the file.
    package var headerPosition: SourcePosition
    package var entries: [ProfileEntry]
}

/// A parsed profile file: its tables in file order, each entry with its position.
package struct ProfileDocument: Sendable, Equatable {
    package var file: String
    package var root: ProfileTable
    package var sections: [ProfileTable]
}
