#if canImport(Glibc)
import Glibc
#endif
import FoundationEssentials
import PorticoCore
import PorticoTestSupport
import Testing

/// `/metrics` of a camera in a site behind the lab's real router, checked against its
/// `/state` by Prometheus's parser (see `MetricsTests`). A lab suite: it runs with the
/// other labs, one at a time.
@Suite("Prometheus /metrics of a representative", .serialized, .tags(.lab))
struct MetricsLabTests {
    @Test("a representative behind the lab's router, and forged datagrams from a LAN host: mapping phase, renewals, router exchanges, role, term and drops match /state",
          .enabled(if: MetricsTests.hasParser && NetworkLab.isAvailable, "needs root, miniupnpd (Tests/Lab/netlab install-deps) and the venv (scripts/setup)"))
    func representative() async throws {
        let prefix = getenv("METRICS_LAB_PREFIX").map { String(cString: $0) } ?? "tm-"
        // cam2 is a LAN host without Portico: it sends the forged datagrams.
        let lab = try NetworkLab(prefix: prefix, cameras: 2)
        defer { lab.tearDown() }
        let key = try temporaryProfile("metrics-lab-site-key-0123456789abcdef\n")
        let wrongKey = try temporaryProfile("not-this-site-key-0123456789abcdef\n")
        _ = try lab.startPortico(camera: 1, profile: MetricsTests.camera + """

            [mapping]
            backend = "upnp"
            lease = "60s"
            fixed_lease = "2s"
            [election]
            policy = "first-come"
            key_file = "\(key)"
            inquiry = "1s"
            missed = 2
            """)
        try await blocking {
            try eventually(.seconds(30), "the camera becomes representative") {
                try lab.stateFromWAN(port: 8080)?.site?.role == .representative
            }
            // A few renewals of the fixed port's short lease.
            try eventually(.seconds(15), "three renewals") { (try lab.stateFromWAN(port: 8080)?.mapping?.renewals ?? 0) >= 3 }
            let rogue = Repository.path("Tests/Lab/rogue_peer.py")
            let forged = try lab.run(["exec", "cam2", "/usr/bin/python3", rogue, "forge", "--address", "198.51.100.12",
                                      "--key-file", wrongKey, "--count", "5"])
            #expect(forged.status == 0, "\(forged.error)")
            try eventually(.seconds(10), "forged datagrams counted") {
                (try lab.stateFromWAN(port: 8080)?.site?.dropped["bad_signature"] ?? 0) > 0
            }
            print(try MetricsTests.check(["http://\(NetworkLab.externalAddress):8080"], in: "\(prefix)wan"))
        }
    }
}
