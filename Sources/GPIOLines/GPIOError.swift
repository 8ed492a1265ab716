/// A GPIO chip or line that cannot be used, said so a board engineer can fix the wiring
/// or the profile: which chip, which line, who holds it.
public struct GPIOError: Error, Sendable, Equatable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let name: String
        public var description: String { name }

        /// No chip answers to the profile's `chip`.
        public static let noChip = Code(name: "no-chip")
        /// The chip has fewer lines than the offset asks for.
        public static let noLine = Code(name: "no-line")
        /// Another consumer (a program, a kernel driver) holds the line.
        public static let busy = Code(name: "busy")
        /// The kernel refused the request or a read or write failed.
        public static let failed = Code(name: "failed")
    }

    public var code: Code
    public var description: String
    /// The line's offset, when the problem is one line.
    public var line: Int?
    /// Who holds the line, for `busy`.
    public var consumer: String?

    public init(_ code: Code, _ description: String, line: Int? = nil, consumer: String? = nil) {
        self.code = code
        self.description = description
        self.line = line
        self.consumer = consumer
    }
}
