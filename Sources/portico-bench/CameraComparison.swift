import PorticoCore
import PorticoTestSupport

/// Delivered frames and server CPU for one streamer with N clients reading `/stream`.
enum CameraComparison {
    struct Result {
        let clients: Int
        let deliveredFpsPerClient: Double
        let cpuMillisecondsPerSecond: Double
        let cpuPerDeliveredFrame: Double
        /// Portico's own account of the window from `/state`, when the server is Portico.
        var notes: String?
    }

    /// Connects `clients` readers to the server on `port`, lets them read through
    /// `warmup`, then counts the frames they get over `seconds` and the CPU the server
    /// (`cpu`) spends meanwhile. Every reader reads as fast as frames come.
    static func measure(
        port: Int, clients: Int, warmup: Duration, seconds: Duration, cpu: @escaping @Sendable () throws -> Duration,
        state: (@Sendable () throws -> StateReport)? = nil
    ) async throws -> Result {
        let edges = StateWindow()
        let readers = try (0..<clients).map { _ in StreamBenchmark.ReaderBox(try LoopbackHTTPClient.openStream(port: port)) }
        let start = ContinuousClock.now + warmup
        let end = start + seconds
        let counts = try await withThrowingTaskGroup(of: Int.self) { group in
            for box in readers {
                group.addTask {
                    try await DedicatedThread.run(name: "bench-client") { stop in
                        var count = 0
                        while !stop.isSet {
                            _ = try box.reader.next()
                            let now = ContinuousClock.now
                            if now >= end { break }
                            if now >= start { count += 1 }
                        }
                        return count
                    }
                }
            }
            // The window's CPU, read at its edges while the readers run.
            group.addTask {
                try await Task.sleep(until: start)
                let before = try cpu()
                let stateBefore = try state?()
                try await Task.sleep(until: end)
                let used = -Int((try cpu() - before) / .microseconds(1))
                if let stateBefore, let stateAfter = try state?() { edges.set(stateBefore, stateAfter) }
                return used
            }
            return try await group.reduce(into: [Int]()) { $0.append($1) }
        }
        let cpuMilliseconds = Double(-(counts.first { $0 < 0 } ?? 0)) / 1000
        let delivered = counts.filter { $0 >= 0 }.reduce(0, +)
        let window = seconds.secondsValue
        return Result(
            clients: clients, deliveredFpsPerClient: Double(delivered) / Double(clients) / window,
            cpuMillisecondsPerSecond: cpuMilliseconds / window,
            cpuPerDeliveredFrame: cpuMilliseconds / Double(max(1, delivered)), notes: edges.notes(seconds: window))
    }

    /// `/state` at both edges of the window.
    final class StateWindow: @unchecked Sendable {
        private var before: StateReport?
        private var after: StateReport?

        func set(_ before: StateReport, _ after: StateReport) {
            self.before = before
            self.after = after
        }

        func notes(seconds: Double) -> String? {
            guard let old = before?.camera, let new = after?.camera else { return nil }
            let skipped = new.clients.map { client in
                client.skipped - (old.clients.first { $0.id == client.id }?.skipped ?? 0)
            }
            return "published \(fixed(Double(new.frames - old.frames) / seconds, 1)) fps, dropped \(new.dropped_frames - old.dropped_frames), encode \(fixed(new.encode_ms, 2)) ms on \(new.encoder_threads) thread\(new.encoder_threads == 1 ? "" : "s"), frames skipped by clients \(skipped.reduce(0, +))"
        }
    }
}
