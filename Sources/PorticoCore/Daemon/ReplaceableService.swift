import Logging
import ServiceLifecycle
import Synchronization

/// A place in the daemon's service group whose service a reload can replace while the
/// rest of the board runs on: the old service is shut down gracefully (and cancelled
/// past `stopLimit`), then the new one starts. Nil means the board lacks the piece for now.
///
/// Each service runs in a service group of its own, so it sees a graceful shutdown
/// exactly as it would in the daemon's: a piece needs nothing special to be replaceable.
/// When the daemon shuts down, the service in place is shut down in this place's turn,
/// so the daemon's shutdown order stays as it was.
///
/// A service that ends or fails by itself, not asked to, ends the daemon as it would
/// without this place; one that fails while being replaced is logged and replaced.
package final class ReplaceableService: Service, Sendable {
    private struct Request: Sendable {
        let service: (any Service)?
        let done: CheckedContinuation<Void, Never>?
    }

    private let name: String
    private let stopLimit: Duration
    private let logger: Logger
    private let requests: AsyncStream<Request>
    private let continuation: AsyncStream<Request>.Continuation
    private let stopping = Mutex(false)
    /// Once, when the place itself stops: for what outlives each service but not the daemon.
    private let whenStopped: @Sendable () -> Void

    package init(
        name: String, initial: (any Service)?, stopLimit: Duration, logger: Logger,
        whenStopped: @escaping @Sendable () -> Void = {}
    ) {
        self.name = name
        self.stopLimit = stopLimit
        self.logger = logger
        self.whenStopped = whenStopped
        (requests, continuation) = AsyncStream.makeStream(of: Request.self)
        continuation.yield(Request(service: initial, done: nil))
    }

    /// Stops the service in place, starts `service` (nil leaves the place empty) and
    /// returns once it is started. Returns at once when the place has stopped.
    package func replace(with service: (any Service)?) async {
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            if case .terminated = continuation.yield(Request(service: service, done: done)) { done.resume() }
        }
    }

    /// One service's own group, and whether it was asked to stop.
    private struct Running {
        let group: ServiceGroup
        let ended: AsyncStream<Void>
        let asked: StopFlag

        func stop() async {
            asked.set()
            await group.triggerGracefulShutdown()
            for await _ in ended {}
        }
    }

    package func run() async throws {
        defer { whenStopped() }
        let logger = logger, name = name
        try await withThrowingDiscardingTaskGroup { tasks in
            var running: Running?
            await withGracefulShutdownHandler {
                for await request in requests {
                    if stopping.withLock({ $0 }) || Task.isCancelled {
                        request.done?.resume()
                        continue
                    }
                    await running?.stop()
                    running = nil
                    if let service = request.service {
                        var configuration = ServiceGroupConfiguration(services: [.init(service: service)], logger: logger)
                        configuration.maximumGracefulShutdownDuration = stopLimit
                        configuration.maximumCancellationDuration = .seconds(3)
                        let group = ServiceGroup(configuration: configuration)
                        let (ended, finished) = AsyncStream.makeStream(of: Void.self)
                        let asked = StopFlag()
                        tasks.addTask {
                            defer { finished.finish() }
                            do {
                                try await group.run()
                            } catch where asked.isSet {
                                logger.warning("\(name) did not stop cleanly", metadata: ["error": "\(error)"])
                            } catch {
                                // Failed by itself (a replacement that cannot start, say):
                                // the place ends with the error, and the daemon with it,
                                // rather than running on without the piece.
                                self.continuation.finish()
                                throw error
                            }
                            if !asked.isSet && !Task.isCancelled {
                                self.continuation.finish()
                                throw ServiceGroupError.serviceFinishedUnexpectedly(service: name)
                            }
                        }
                        running = Running(group: group, ended: ended, asked: asked)
                    }
                    request.done?.resume()
                }
            } onGracefulShutdown: {
                self.stopping.withLock { $0 = true }
                self.continuation.finish()
            }
            // Cancelled, the service's own group is cancelled with this task: asking it to
            // shut down gracefully as well would close what cancellation is closing.
            if !Task.isCancelled { await running?.stop() }
        }
    }
}
