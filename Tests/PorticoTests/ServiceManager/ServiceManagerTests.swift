#if canImport(Glibc)
import Glibc
#endif
import PorticoCore
import PorticoTestSupport
import Testing

/// What systemd hears from Portico over `NOTIFY_SOCKET`.
@Suite("The service manager's notifications", .serialized)
struct ServiceManagerTests {
    @Test("no NOTIFY_SOCKET: nothing is sent; a watchdog meant for another process is not ours")
    func environment() {
        #expect(!ServiceManagerNotifier(environment: [:]).isActive)
        #expect(!ServiceManagerNotifier(environment: [:]).notify(["READY=1"]))
        let ours = ServiceManagerNotifier(environment: ["NOTIFY_SOCKET": "/run/x", "WATCHDOG_USEC": "4000000"])
        #expect(ours.watchdogInterval == .seconds(4))
        let other = ServiceManagerNotifier(environment: ["NOTIFY_SOCKET": "/run/x", "WATCHDOG_USEC": "4000000", "WATCHDOG_PID": "1"])
        #expect(other.watchdogInterval == nil)
        #expect(ServiceManagerNotifier(environment: ["NOTIFY_SOCKET": "/run/x", "WATCHDOG_USEC": "junk"]).watchdogInterval == nil)
    }

    @Test("liveness: a camera or site loop silent past its limit is stuck; nil parts are not looked at")
    func liveness() {
        #expect(Liveness.verdict(cameraSince: .seconds(1), siteSince: .milliseconds(20)) == .alive)
        #expect(Liveness.verdict(cameraSince: nil, siteSince: nil) == .alive)
        guard case .stuck(let camera) = Liveness.verdict(cameraSince: .seconds(11), siteSince: nil) else {
            Issue.record("a camera silent for 11 s is stuck")
            return
        }
        #expect(camera.contains("camera"))
        guard case .stuck(let site) = Liveness.verdict(cameraSince: .seconds(1), siteSince: .seconds(30)) else {
            Issue.record("a site loop that has not turned for 30 s is stuck")
            return
        }
        #expect(site.contains("site loop"))
    }

    @Test("portico run: READY=1 with a status once serving, WATCHDOG=1 while the camera publishes and not while its thread is stalled, STOPPING=1 on SIGTERM")
    func notifications() throws {
        let socket = try NotifySocket()
        let run = try Subprocess(
            ["NOTIFY_SOCKET=\(socket.path)", "WATCHDOG_USEC=1000000", Repository.executable, "run", "--http-port", "0"],
            executable: "/usr/bin/env")
        let ready = try socket.receive(within: .seconds(20), until: { $0.contains("READY=1") })
        #expect(ready.last?.contains("STATUS=") == true, "\(ready)")
        #expect(ready.last?.contains("fps") == true, "the status names the frame rate: \(ready)")
        let beats = try socket.receive(within: .seconds(2))
        #expect(beats.filter { $0.contains("WATCHDOG=1") }.count >= 3, "a beat every half of WatchdogSec: \(beats)")

        if getuid() == 0 {
            // The camera's own thread hangs, as on a stuck driver; the rest of the process runs on.
            let stall = try Subprocess(["/usr/bin/python3", Repository.path("Tests/Lab/stall_thread.py"),
                                        "--pid", String(run.pid), "--thread", "test-pattern", "--seconds", "14"],
                                       executable: "/usr/bin/env")
            let stalled = try socket.receive(within: .seconds(13), until: { $0.contains("STATUS=stuck") })
            #expect(stalled.last?.contains("the camera has published no frame") == true, "\(stalled)")
            let silent = try socket.receive(within: .seconds(1))
            #expect(!silent.contains { $0.contains("WATCHDOG=1") }, "no beat while stuck: \(silent)")
            #expect(try stall.wait(timeout: .seconds(10)) == 0, "\(stall.errorOutput)")
            let back = try socket.receive(within: .seconds(5), until: { $0.contains("WATCHDOG=1") })
            #expect(back.last?.contains("WATCHDOG=1") == true, "beats again once the camera publishes: \(back)")
        }

        run.signal(SIGTERM)
        let stopping = try socket.receive(within: .seconds(5), until: { $0.contains("STOPPING=1") })
        #expect(stopping.last?.contains("STOPPING=1") == true, "\(stopping)")
        #expect(try run.wait(timeout: .seconds(10)) == 0)
    }
}

/// A datagram socket standing where systemd's would, read by the test.
final class NotifySocket {
    let path: String
    private let descriptor: Int32

    init() throws {
        path = "/tmp/portico-notify-\(getpid())-\(Int.random(in: 0..<1_000_000))"
        descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { bytes in
            for (index, byte) in path.utf8.enumerated() { bytes[index] = byte }
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard descriptor >= 0, bound == 0 else { throw TestFailure("cannot bind \(path)") }
    }

    deinit {
        close(descriptor)
        unlink(path)
    }

    /// The notifications that arrive within `limit`, stopping early at the first for which `until` holds.
    func receive(within limit: Duration, until done: (String) -> Bool = { _ in false }) throws -> [String] {
        let deadline = ContinuousClock.now + limit
        var received: [String] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while ContinuousClock.now < deadline {
            var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, 50) > 0 else { continue }
            let count = recv(descriptor, &buffer, buffer.count, 0)
            guard count > 0 else { continue }
            let text = String(decoding: buffer[0..<count], as: UTF8.self)
            received.append(text)
            if done(text) { return received }
        }
        return received
    }
}
