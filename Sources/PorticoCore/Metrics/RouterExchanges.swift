import Synchronization

/// How long the router takes to answer, and how often it fails, per kind of question:
/// a router that slows down or starts refusing shows here before a camera drops out
/// of the directory.
package final class RouterExchanges: Sendable {
    /// What the camera asks the router; the label of each series.
    package enum Operation: String, Sendable, CaseIterable {
        case externalAddress = "external_address"
        case map
        case unmap
        case listMappings = "list_mappings"
        case readMapping = "read_mapping"
    }

    package struct Snapshot: Sendable, Equatable {
        package var durations: [Operation: Histogram]
        /// By operation and `MappingError.Code` name.
        package var failures: [Operation: [String: UInt64]]
    }

    private let state: Mutex<Snapshot>

    package init() {
        state = Mutex(Snapshot(
            durations: Dictionary(uniqueKeysWithValues: Operation.allCases.map { ($0, Histogram.exchangeSeconds) }),
            failures: [:]))
    }

    /// One exchange that took `duration`; `failure` is its error's code, nil when it succeeded.
    package func record(_ operation: Operation, took duration: Duration, failure: MappingError.Code?) {
        state.withLock { state in
            state.durations[operation, default: .exchangeSeconds].record(duration)
            if let failure { state.failures[operation, default: [:]][failure.name, default: 0] += 1 }
        }
    }

    package var snapshot: Snapshot { state.withLock { $0 } }
}
