import NIOCore
import Synchronization

/// The server-wide `ConnectionTable` and the channels it names, shared by every
/// connection's `ConnectionGuard` whatever event loop it runs on.
final class ConnectionLimiter: Sendable {
    private struct State {
        var table: ConnectionTable<String>
        var channels: [ConnectionTable<String>.ID: any Channel] = [:]
        var nextID: ConnectionTable<String>.ID = 0
    }

    private let state: Mutex<State>
    private let origin = ContinuousClock.now

    init(limits: ConnectionLimits) {
        state = Mutex(State(table: ConnectionTable(limits: limits)))
    }

    /// The table's clock: time since the server started.
    var now: Duration { ContinuousClock.now - origin }

    /// Takes `channel` in, closing the connection whose place it takes; nil when it is refused.
    func admit(_ channel: any Channel) -> ConnectionTable<String>.ID? {
        let client = channel.remoteAddress?.ipAddress ?? "unknown"
        let now = now
        let (id, victim) = state.withLock { state -> (ConnectionTable<String>.ID?, (any Channel)?) in
            let id = state.nextID
            state.nextID &+= 1
            switch state.table.open(id, client: client, at: now) {
            case .refused:
                return (nil, nil)
            case .admitted(let shedding):
                state.channels[id] = channel
                return (id, shedding.flatMap { state.channels.removeValue(forKey: $0) })
            }
        }
        victim?.close(promise: nil)
        return id
    }

    /// Applies `change` to the table and returns the connection's deadline after it.
    func update(_ id: ConnectionTable<String>.ID, _ change: (inout ConnectionTable<String>, Duration) -> Void) -> Duration? {
        let now = now
        return state.withLock { state in
            change(&state.table, now)
            return state.table.deadline(of: id)
        }
    }

    func isExpired(_ id: ConnectionTable<String>.ID) -> Bool {
        let now = now
        return state.withLock { $0.table.isExpired(id, at: now) }
    }

    func remove(_ id: ConnectionTable<String>.ID) {
        state.withLock { state in
            state.table.close(id)
            state.channels[id] = nil
        }
    }

    /// Open connections in all and from `client`, for `/state` and tests.
    func counts(of client: String) -> (total: Int, client: Int) {
        state.withLock { ($0.table.count, $0.table.count(of: client)) }
    }
}
