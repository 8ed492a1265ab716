#if canImport(Glibc)
import Glibc
#endif
import FoundationEssentials
import PorticoCore
import Testing

import PorticoTestSupport

/// SIGHUP to a representative whose `[mapping]` backend changes from UPnP to NAT-PMP,
/// against the lab's real router. Over NAT-PMP the router keeps one mapping per internal
/// port, so the fixed port forwards to a second port of the web server's: the reload must
/// restart the web server for that listener, or the fixed port is never mapped again.
@Suite("Reloading the mapping through the real router", .serialized, .tags(.lab), .enabled(if: NetworkLab.isAvailable, "needs root and miniupnpd (Tests/Lab/netlab install-deps)"))
struct MappingReloadLabTests {
    typealias Site = RepresentativeLabTests

    /// The second listener's port, from the log line the web server writes when it binds it.
    static func fixedPortListeners(in log: String) -> [Int] {
        let marker = "serving the fixed port's mapping on port "
        return log.split(separator: "\n").compactMap { line in
            guard let range = line.range(of: marker) else { return nil }
            return Int(line[range.upperBound...].prefix { $0.isNumber })
        }
    }

    @Test("[mapping] backend upnp → natpmp on SIGHUP: the web server gains the fixed port's listener, the router forwards 8080 to it, the site is back from wan")
    func upnpToNATPMP() async throws {
        let lab = try NetworkLab(prefix: "trm-", cameras: 1)
        let key = try Site.writeKey("site-key-for-the-lab-mapping-reload\n")
        let file = try temporaryProfile(Site.profile(camera: 1, policy: "port-order", keyFile: key, backend: "upnp"))
        defer {
            unlink(key)
            unlink(file)
            lab.tearDown()
        }
        let camera = try lab.spawn(in: "cam1", [Repository.executable, "run", "--profile", file])
        try await blocking {
            try eventually(.seconds(30), "cam1 the representative, from wan") { try Site.directoryIsExactly(["cam1"], lab) }
            #expect(Self.fixedPortListeners(in: camera.errorOutput).isEmpty, "UPnP needs no second listener: \(camera.errorOutput)")

            try AtomicFile.write(Array(Site.profile(camera: 1, policy: "port-order", keyFile: key, backend: "natpmp").utf8), to: file)
            camera.signal(SIGHUP)
            try eventually(.seconds(10), "the fixed port's listener") { !Self.fixedPortListeners(in: camera.errorOutput).isEmpty }
            let log = camera.errorOutput
            #expect(log.contains("profile read again: [mapping] changed: restarting web server, mapping"), "\(log)")
            let second = try #require(Self.fixedPortListeners(in: log).last)
            let answer = try lab.run(["exec", "cam1", "curl", "-s", "-f", "-m", "5", "http://127.0.0.1:\(second)/state"])
            #expect(answer.status == 0 && answer.output.contains("\"cam1\""), "the second listener answers: \(answer)")

            // The router forwards the fixed port to the second listener, and wan reaches the site through it.
            try eventually(.seconds(30), "8080 mapped to the second listener") {
                try lab.run(["mappings"]).output.contains("8080->198.51.100.11:\(second)")
            }
            try eventually(.seconds(30), "cam1 the representative again, from wan") { try Site.directoryIsExactly(["cam1"], lab) }
            #expect(camera.exited() == nil, "the same process")
            #expect(Self.fixedPortListeners(in: camera.errorOutput).count == 1)
        }
        camera.signal(SIGTERM)
        let status = try await blocking { try camera.wait(timeout: .seconds(10)) }
        #expect(status == 0, "\(camera.errorOutput)")
    }
}
