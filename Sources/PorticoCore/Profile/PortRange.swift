/// An inclusive range of TCP/UDP ports, written `8081-8099` (or a single `8081`).
package struct PortRange: Sendable, Hashable, CustomStringConvertible {
    package var lower: Int
    package var upper: Int

    package init(_ lower: Int, _ upper: Int) {
        self.lower = lower
        self.upper = upper
    }

    package init?(parsing text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count),
              parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isNumber) }),
              let lower = Int(parts[0]), let upper = Int(parts[parts.count - 1])
        else { return nil }
        self.init(lower, upper)
    }

    package var description: String { lower == upper ? "\(lower)" : "\(lower)-\(upper)" }

    /// Never traps, even for a range written backwards (which the profile refuses).
    package func contains(_ port: Int) -> Bool { lower <= port && port <= upper }
}
