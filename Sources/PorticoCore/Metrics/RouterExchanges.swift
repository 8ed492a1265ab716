import Synchronization

/// How long the router takes to answer, and how often it fails, per kind of question:
/// a router that slows down or starts refusing shows here before a camera drops out
/// of the directory.
public final class RouterExchanges: Sendable {
    /// What the camera asks the router; the label of each series.
    public enum Operation: String, Sendable, CaseIterable {
        case externalAddress = "external_address"
        case map
        case unmap
        case listMappings = "list_mappings"
        case readMapping = "read_mapping"
    }

    public struct Snapshot: Sendable, Equatable {
        public var durations: [Operation: Histogram]
        /// By operation and `MappingError.Code` name.
        public var failures: [Operation: [String: UInt64]]
    }

    private let state: Mutex<Snapshot>

    public init() {
        state = Mutex(Snapshot(
            durations: Dictionary(uniqueKeysWithValues: Operation.allCases.map { ($0, Histogram.exchangeSeconds) }),
            failures: [:]))
    }

    /// One exchange that took `duration`; `failure` is its error's code, nil when it succeeded.
    public func record(_ operation: Operation, took duration: Duration, failure: MappingError.Code?) {
        state.withLock { state in
            state.durations[operation, default: .exchangeSeconds].record(duration)
            if let failure { state.failures[operation, default: [:]][failure.name, default: 0] += 1 }
        }
    }

    public var snapshot: Snapshot { state.withLock { $0 } }
}
