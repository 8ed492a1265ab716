#if canImport(Glibc)
import Glibc
#endif
import FoundationEssentials
import PorticoCore
import PorticoTestSupport
import Testing

/// A crashed representative behind a router as most homes have it: miniupnpd with
/// `secure_mode=yes`, where the successor cannot delete the dead camera's mapping of the
/// fixed port and must wait for its lease; and NAT-PMP, which never deletes another
/// host's mapping. The profile leaves the fixed port's lease at its default.
@Suite("Crash failover on a router that refuses takeovers", .serialized, .tags(.lab),
       .enabled(if: NetworkLab.isAvailable, "needs root and miniupnpd (Tests/Lab/netlab install-deps)"))
struct SecureFailoverLabTests {
    static func profile(camera: Int, backend: String, keyFile: String) -> String {
        """
        name = "cam\(camera)"
        [camera]
        source = "test-pattern"
        size = "320x240"
        fps = 5
        [mapping]
        backend = "\(backend)"
        lease = "60s"
        [election]
        policy = "port-order"
        key_file = "\(keyFile)"
        inquiry = "1s"
        missed = 2
        """
    }

    /// The site as `wan` sees it on the fixed port, fetched with a short timeout so a poll
    /// that hits the dead camera does not hold up the next.
    static func directory(_ lab: NetworkLab) -> SiteStatus? {
        guard let reply = try? lab.getFromWAN("http://\(NetworkLab.externalAddress):8080/directory.json", timeout: 1, connectTimeout: 1),
              reply.status == 0 else { return nil }
        return try? JSONDecoder().decode(SiteStatus.self, from: Data(reply.body))
    }

    @Test("secure mode on: two crashes of the representative (link down, SIGKILL), each over within 4 s from the internet",
          arguments: [("upnp", "tsu-"), ("natpmp", "tsn-")])
    func crashes(backend: String, prefix: String) async throws {
        let lab = try NetworkLab(prefix: prefix, cameras: 4)
        let key = try RepresentativeLabTests.writeKey("site-key-for-the-secure-failover-tests\n")
        defer { unlink(key) }
        let cameras = try (1...4).map { index in
            try lab.startPortico(camera: index, profile: Self.profile(camera: index, backend: backend, keyFile: key))
        }
        try await blocking {
            var live: Set<String> = ["cam1", "cam2", "cam3", "cam4"]
            try eventually(.seconds(30), "directory of 4 from wan") { try RepresentativeLabTests.directoryIsExactly(live, lab) }
            for round in 1...2 {
                usleep(UInt32.random(in: 1_000_000...3_000_000))  // anywhere in the lease's renewal cycle
                let site = try #require(Self.directory(lab))
                let representative = try #require(site.representative)
                let index = try #require(Int(representative.dropFirst(3)))
                // A power loss: the link first, so the dying process sends nothing.
                let start = ContinuousClock.now
                try lab.run(["exec", "cam\(index)", "ip", "link", "set", "eth0", "down"])
                cameras[index - 1].signal(SIGKILL)
                live.remove(representative)
                var elapsed: Duration?
                while ContinuousClock.now - start < .seconds(15) {
                    if let now = Self.directory(lab), now.role == .representative, let successor = now.representative,
                       successor != representative, Set(now.directory.cameras.map(\.name)) == live {
                        elapsed = ContinuousClock.now - start
                        break
                    }
                    usleep(50_000)
                }
                let failover = try #require(elapsed, "\(backend) crash \(round): no correct directory within 15 s")
                #expect(failover <= .seconds(4), "\(backend) crash \(round): \(failover)")
                try eventually(.seconds(10), "every link of the directory reaches its camera") {
                    try RepresentativeLabTests.directoryIsExactly(live, lab)
                }
            }
        }
    }
}
