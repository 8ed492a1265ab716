/// A place in a profile file.
public struct SourcePosition: Sendable, Equatable {
    public var line: Int
    public var column: Int

    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }
}

/// A value as written in the profile, with where it was written.
public struct ProfileValue: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case string(String)
        case integer(Int)
        case float(Double)
        case boolean(Bool)
        case array([ProfileValue])
    }

    public var kind: Kind
    public var position: SourcePosition

    public init(_ kind: Kind, at position: SourcePosition) {
        self.kind = kind
        self.position = position
    }

    /// The TOML type name, as used in "expected X, found Y" messages.
    public var typeName: String {
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
public struct ProfileEntry: Sendable, Equatable {
    public var key: String
    /// Where the key starts: errors about the key itself (unknown, duplicate) point here.
    public var keyPosition: SourcePosition
    public var value: ProfileValue
}

/// The keys of one `[section]`, or of the top of the file before any section.
public struct ProfileTable: Sendable, Equatable {
    /// Empty for the top of the file.
    public var name: String
    /// Where the `[section]` header is; line 0 for the top of the file.
    public var headerPosition: SourcePosition
    public var entries: [ProfileEntry]
}

/// A parsed profile file: its tables in file order, each entry with its position.
public struct ProfileDocument: Sendable, Equatable {
    public var file: String
    public var root: ProfileTable
    public var sections: [ProfileTable]
}
