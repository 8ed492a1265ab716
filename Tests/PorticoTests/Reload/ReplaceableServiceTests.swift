import Logging
import PorticoCore
import ServiceLifecycle
import Testing

/// A piece a reload replaced must fail as loudly as one the daemon started: a camera
/// that runs on without its site or web server looks alive to systemd and serves nothing.
@Suite("A replaceable place in the daemon's service group")
struct ReplaceableServiceTests {
    struct Broke: Error {}

    /// Fails as it starts, as a site service does when its multicast port is taken.
    struct FailingAtStart: Service {
        func run() async throws { throw Broke() }
    }

    /// Runs until asked to stop.
    struct Steady: Service {
        func run() async throws { try await gracefulShutdown() }
    }

    /// How the place's run ended within `limit`: true for an error, false for a return,
    /// nil when it was still running (it is cancelled then).
    static func outcome(of running: Task<Void, any Error>, within limit: Duration) async -> Bool? {
        await withTaskGroup(of: Bool?.self) { group in
            group.addTask {
                do { try await running.value; return false } catch { return true }
            }
            group.addTask {
                try? await Task.sleep(for: limit)
                return nil
            }
            let first = await group.next() ?? nil
            if first == nil { running.cancel() }
            group.cancelAll()
            return first
        }
    }

    @Test("a replacement that fails as it starts ends the place with an error")
    func replacementFailing() async {
        let place = ReplaceableService(name: "site", initial: Steady(), stopLimit: .seconds(1), logger: Logger(label: "test"))
        let running = Task { try await place.run() }
        await place.replace(with: FailingAtStart())
        #expect(await Self.outcome(of: running, within: .seconds(10)) == true)
    }

    @Test("a replacement asked to stop for the next one leaves the place running")
    func replacementReplaced() async {
        let place = ReplaceableService(name: "web", initial: Steady(), stopLimit: .seconds(1), logger: Logger(label: "test"))
        let running = Task { try await place.run() }
        await place.replace(with: Steady())
        await place.replace(with: Steady())
        #expect(await Self.outcome(of: running, within: .seconds(1)) == nil)
    }
}
