extension StringProtocol {
    /// Without the spaces and tabs at either end, as HTTP header values and form fields
    /// are read. The firmware links FoundationEssentials only, which has no
    /// `trimmingCharacters(in:)`.
    package func trimmingBlanks() -> SubSequence {
        let start = firstIndex { $0 != " " && $0 != "\t" } ?? endIndex
        let end = self[start...].lastIndex { $0 != " " && $0 != "\t" }.map(index(after:)) ?? start
        return self[start..<end]
    }
}
