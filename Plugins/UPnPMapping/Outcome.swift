import PorticoCore
import Synchronization

/// The one answer to an exchange that may be settled from several places: a libupnp
/// callback on one of its threads, a timer, the caller's cancellation.
///
/// libupnp's own timeouts are 30 s and its TCP connect has none at all, so every wait
/// is bounded here instead; whoever comes first wins and later answers are dropped.
final class Outcome<Value: Sendable>: Sendable {
    private enum State {
        case waiting(CheckedContinuation<Result<Value, MappingError>, Never>?)
        case settled(Result<Value, MappingError>)
    }

    private let state = Mutex<State>(.waiting(nil))

    init() {}

    /// Settles the outcome; false when it was already settled (the answer came too late).
    @discardableResult
    func settle(_ result: Result<Value, MappingError>) -> Bool {
        let continuation: CheckedContinuation<Result<Value, MappingError>, Never>?? = state.withLock { state in
            guard case .waiting(let continuation) = state else { return .none }
            state = .settled(result)
            return .some(continuation)
        }
        guard case .some(let waiting) = continuation else { return false }
        waiting?.resume(returning: result)
        return true
    }

    var isSettled: Bool {
        state.withLock { if case .settled = $0 { true } else { false } }
    }

    /// Waits for the outcome, at most `timeout`; `start` begins the exchange and is given
    /// this outcome to settle. Runs on the caller's task without blocking a thread.
    static func wait(
        timeout: Duration,
        orFail timeoutError: @escaping @Sendable () -> MappingError,
        start: (Outcome<Value>) -> Void
    ) async throws(MappingError) -> Value {
        let outcome = Outcome<Value>()
        let timer = Task {
            try? await Task.sleep(for: timeout)
            if !Task.isCancelled { outcome.settle(.failure(timeoutError())) }
        }
        defer { timer.cancel() }
        let result = await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Result<Value, MappingError>, Never>) in
                let early: Result<Value, MappingError>? = outcome.state.withLock { state in
                    switch state {
                    case .settled(let result):
                        return result
                    case .waiting:
                        state = .waiting(continuation)
                        return nil
                    }
                }
                if let early {
                    continuation.resume(returning: early)
                } else {
                    start(outcome)
                }
            }
        } onCancel: {
            outcome.settle(.failure(MappingError(.unreachable, message: "cancelled before the router answered")))
        }
        return try result.get()
    }
}

extension Outcome {
    /// Runs a blocking libupnp call on a dedicated thread and waits at most `timeout` for it.
    /// A call that overruns is left to finish on its own thread; its answer is dropped.
    static func runBlocking(
        name: String,
        timeout: Duration,
        orFail timeoutError: @escaping @Sendable () -> MappingError,
        _ body: @escaping @Sendable () throws(MappingError) -> Value
    ) async throws(MappingError) -> Value {
        try await wait(timeout: timeout, orFail: timeoutError) { outcome in
            Task {
                do {
                    let value = try await DedicatedThread.run(name: name) { _ in try body() }
                    outcome.settle(.success(value))
                } catch let error as MappingError {
                    outcome.settle(.failure(error))
                } catch {
                    outcome.settle(.failure(MappingError(.unreachable, message: "\(name): \(error)")))
                }
            }
        }
    }
}
