/// Prometheus's text exposition format (version 0.0.4), written directly.
///
/// The format is a few lines per metric; writing it costs less than a metrics library
/// and its exporter would add to the camera's binary and build, and every value it
/// shows is already kept by the piece it describes, so there is no registry to keep
/// in step. Label values come from the code (enum cases, error codes), never from a
/// request, so a client cannot make the series grow.
package struct PrometheusText: Sendable {
    package enum Kind: String, Sendable {
        case counter, gauge, histogram
    }

    package private(set) var text = ""

    package init() {}

    /// The `# HELP` and `# TYPE` lines that precede a metric's samples.
    package mutating func family(_ name: String, _ kind: Kind, _ help: String) {
        text += "# HELP \(name) \(Self.escaped(help, quote: false))\n# TYPE \(name) \(kind.rawValue)\n"
    }

    package mutating func sample(_ name: String, _ value: Double, labels: [(String, String)] = []) {
        text += name + Self.labelSet(labels) + " " + Self.number(value) + "\n"
    }

    package mutating func sample(_ name: String, _ value: UInt64, labels: [(String, String)] = []) {
        text += name + Self.labelSet(labels) + " \(value)\n"
    }

    package mutating func sample(_ name: String, _ value: Int, labels: [(String, String)] = []) {
        text += name + Self.labelSet(labels) + " \(value)\n"
    }

    /// A metric with one family line and one sample.
    package mutating func single(_ name: String, _ kind: Kind, _ help: String, _ value: UInt64) {
        family(name, kind, help)
        sample(name, value)
    }

    /// One 0-or-1 sample per possible state, the current one 1: Prometheus's way to show
    /// an enum, so a query can select a state and an alert can fire on a change.
    package mutating func stateSet(_ name: String, _ help: String, label: String, states: [String], current: String?) {
        family(name, .gauge, help)
        for state in states { sample(name, state == current ? 1 : 0, labels: [(label, state)]) }
    }

    /// The buckets (cumulative), sum and count of a histogram; `labels` on each sample.
    package mutating func histogram(_ name: String, _ histogram: Histogram, labels: [(String, String)] = []) {
        var cumulative: UInt64 = 0
        for (bound, count) in zip(histogram.bounds, histogram.counts) {
            cumulative &+= count
            sample(name + "_bucket", cumulative, labels: labels + [("le", Self.number(bound))])
        }
        sample(name + "_bucket", histogram.count, labels: labels + [("le", "+Inf")])
        sample(name + "_sum", histogram.sum, labels: labels)
        sample(name + "_count", histogram.count, labels: labels)
    }

    /// The content type Prometheus expects for this format.
    package static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    static func labelSet(_ labels: [(String, String)]) -> String {
        guard !labels.isEmpty else { return "" }
        return "{" + labels.map { "\($0.0)=\"\(escaped($0.1, quote: true))\"" }.joined(separator: ",") + "}"
    }

    static func number(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "+Inf" : "-Inf" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return "\(value)"
    }

    /// The text format's escapes: backslash and newline everywhere, the double quote
    /// in label values only (`# HELP` text is not quoted).
    static func escaped(_ value: String, quote: Bool) -> String {
        var escaped = ""
        for character in value {
            switch character {
            case "\\": escaped += "\\\\"
            case "\"" where quote: escaped += "\\\""
            case "\n": escaped += "\\n"
            default: escaped.append(character)
            }
        }
        return escaped
    }
}
