import Synchronization

/// The `/stream` connections open now, each with the ustreamer options it asked for,
/// under a random 64-bit id as ustreamer gives them: what `/state?format=ustreamer`
/// lists in `clients_stat`, and what the `stream_client` cookie tells the viewer.
///
/// An entry lives exactly as long as its connection, so the table is bounded by the
/// server's connection limit.
package final class StreamViewers: Sendable {
    package struct Viewer: Sendable {
        package var client: StreamClient
        package var options: StreamOptions
    }

    private let viewers = Mutex<[UInt64: Viewer]>([:])

    package init() {}

    /// A fresh id, not in use: ids are shown to viewers, so they do not count up and
    /// tell one viewer how many others came before it.
    package func newID() -> UInt64 {
        viewers.withLock { viewers in
            var id = UInt64.random(in: 1...UInt64.max)
            while viewers[id] != nil { id = UInt64.random(in: 1...UInt64.max) }
            return id
        }
    }

    /// Lists `client` under `id` for as long as `body` runs.
    package func with<T>(id: UInt64, client: StreamClient, options: StreamOptions, _ body: () async throws -> T) async rethrows -> T {
        viewers.withLock { $0[id] = Viewer(client: client, options: options) }
        defer { viewers.withLock { _ = $0.removeValue(forKey: id) } }
        return try await body()
    }

    package var all: [UInt64: Viewer] { viewers.withLock { $0 } }

    /// ustreamer writes ids as lower-case hex.
    package static func hex(_ id: UInt64) -> String { String(id, radix: 16) }
}
