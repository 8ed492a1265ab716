/// A GPIO chip or line that cannot be used, said so a board engineer can fix the wiring
/// or the profile: which chip, which line, who holds it.
package struct GPIOError: Error, Sendable, Equatable, CustomStringConvertible {
    package struct Code: Hashable, Sendable, CustomStringConvertible {
        package let name: String
        package var description: String { name }

        /// No chip answers to the profile's `chip`.
        package static let noChip = Code(name: "no-chip")
        /// The chip has fewer lines than the offset asks for.
        package static let noLine = Code(name: "no-line")
        /// Another consumer (a program, a kernel driver) holds the line.
        package static let busy = Code(name: "busy")
        /// The kernel refused the request or a read or write failed.
        package static let failed = Code(name: "failed")
    }

    package var code: Code
    package var description: String
    /// The line's offset, when the problem is one line.
    package var line: Int?
    /// Who holds the line, for `busy`.
    package var consumer: String?

    package init(_ code: Code, _ description: String, line: Int? = nil, consumer: String? = nil) {
        self.code = code
        self.description = description
        self.line = line
        self.consumer = consumer
    }
}
