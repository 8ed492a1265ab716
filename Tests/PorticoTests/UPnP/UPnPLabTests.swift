#if canImport(Glibc)
import Glibc
#endif
import PorticoCore
import PorticoTestSupport
import Testing

/// The UPnP backend against the network lab's real miniupnpd, and against a gateway that
/// answers wrongly on purpose (`Tests/Lab/broken_igd.py`).
@Suite("UPnP mapping through a real router", .serialized, .tags(.lab), .enabled(if: NetworkLab.isAvailable, "needs root and miniupnpd (Tests/Lab/netlab install-deps)"))
struct UPnPLabTests {
    static func profile(camera: String, interface: String = "eth0", lease: String = "60s", timeout: String = "2s") -> String {
        """
        name = "\(camera)"
        [camera]
        source = "test-pattern"
        size = "320x240"
        fps = 5
        [mapping]
        backend = "upnp"
        interface = "\(interface)"
        lease = "\(lease)"
        timeout = "\(timeout)"
        """
    }

    /// `portico map` in namespace `host` of `lab`.
    static func map(_ lab: NetworkLab, in host: String, profile: String, arguments: [String] = [], timeout: Duration = .seconds(30))
        throws -> (status: Int32, output: String, error: String)
    {
        let path = try temporaryProfile(profile)
        defer { unlink(path) }
        return try Subprocess.run(
            ["netns", "exec", lab.prefix + host, Repository.executable, "map", "--profile", path] + arguments,
            executable: "/usr/sbin/ip", timeout: timeout)
    }

    /// The lease miniupnpd reports for `port` (0: permanent), nil when not mapped.
    static func routerLease(_ lab: NetworkLab, port: Int) throws -> Int? {
        let table = try lab.run(["mappings"]).output
        for line in table.split(separator: "\n") where line.contains(" \(port)->") {
            return line.split(separator: " ").last.flatMap { Int($0) }
        }
        return nil
    }

    @Test("three cameras get 8080, 8081 and 8082, each reachable from the internet side")
    func threeCameras() async throws {
        try await MappingLabTests().threeCameras(backend: "upnp", prefix: "tu3-")
    }

    @Test("portico map: gateway found, fixed port mapped under its description, external address known")
    func fast() async throws {
        let lab = try NetworkLab(prefix: "tuf-", cameras: 1)
        try await blocking {
            var took: [Int] = []
            for _ in 0..<3 {
                let result = try Self.map(lab, in: "cam1", profile: Self.profile(camera: "cam1"), arguments: ["--delete"])
                #expect(result.status == 0, "\(result.output)\(result.error)")
                #expect(result.output.contains("external URL:      http://203.0.113.10:8080/"), "\(result.output)")
                // The table shows the lease left, which may have ticked below 1m by then.
                let row = result.output.split(separator: "\n").first { $0.hasPrefix("  8080 -> 198.51.100.11:8080  lease ") }
                #expect(row?.hasSuffix("  portico:cam1") == true, "\(result.output)")
                let line = result.output.split(separator: "\n").first { $0.hasPrefix("took:") } ?? ""
                took.append(Int(line.split(separator: " ").dropFirst().first ?? "") ?? .max)
            }
            // How fast is scripts/bench-mapping's to say, against upnpc in the same run:
            // a bound here would fail on a loaded machine, not on a slow camera.
            #expect(!took.contains(.max), "every run prints what it took")
            print("portico map: took \(took.sorted()) ms")
        }
    }

    @Test("a router restart (byebye, alive) is noticed at once: mapped again long before the renewal")
    func restart() async throws {
        let lab = try NetworkLab(prefix: "tur-", cameras: 1)
        // A 60 s lease is renewed after 30 s; anything sooner is the restart being noticed.
        let camera = try lab.startPortico(camera: 1, profile: Self.profile(camera: "cam1"))
        let noticed = "the router restarted: mapping again"
        try await blocking {
            try eventually(.seconds(10), "cam1 mapped") { try Self.routerLease(lab, port: 8080) ?? 0 > 0 }
            #expect(try lab.run(["restart"]).status == 0)
            // miniupnpd keeps the rule across a restart but forgets its lease (0, permanent).
            try eventually(.seconds(5), "the restart noticed and the lease asked for again") {
                try camera.errorOutput.split(separator: "\n").filter { $0.contains(noticed) }.count == 1
                    && Self.routerLease(lab, port: 8080) ?? 0 > 0
            }
            #expect(try lab.run(["reboot"]).status == 0)
            try eventually(.seconds(5), "the reboot noticed and the lost mapping made again") {
                try camera.errorOutput.split(separator: "\n").filter { $0.contains(noticed) }.count == 2
                    && Self.routerLease(lab, port: 8080) ?? 0 > 0
            }
            #expect(try lab.stateFromWAN(port: 8080)?.name == "cam1")
        }
    }

    /// What `portico map` says when the gateway is broken in one way.
    struct BrokenCase: Sendable, CustomTestStringConvertible {
        let mode: String
        let status: Int32
        let says: String
        var testDescription: String { mode }
    }

    @Test("a broken gateway gives a clear error and never a crash", arguments: [
        BrokenCase(mode: "fault-zero", status: 1, says: "mapping:           failed: AddPortMapping: the router sent a fault with an invalid error code '0'"),
        BrokenCase(mode: "garbage", status: 1, says: "mapping:           failed: AddPortMapping: the router's reply is not well-formed XML"),
        BrokenCase(mode: "wrong-element", status: 1, says: "mapping:           failed: AddPortMapping: the router answered with <SomethingElseResponse> instead of <AddPortMappingResponse>"),
        BrokenCase(mode: "silent", status: 1, says: "mapping:           failed: AddPortMapping: the router did not answer within 500ms"),
        BrokenCase(mode: "html", status: 1, says: "mapping:           failed: the gateway's description starts with <html>, not <root>"),
        BrokenCase(mode: "bad-entry", status: 0, says: "router's table:    cannot be read: GetGenericPortMappingEntry: NewExternalPort '99999' is not a number from 0 to 65535"),
        BrokenCase(mode: "endless-table", status: 0, says: "router's table (1024):"),
    ])
    func brokenGateway(_ broken: BrokenCase) async throws {
        try await Self.mapAgainst(broken, prefix: "tub-")
    }

    @Test("a gateway whose chunked answer has a chunk size near Int.max: a clear error, not a crash")
    func chunkOverflow() async throws {
        // It made portico run and map trap on `body.count + size`.
        try await Self.mapAgainst(BrokenCase(
            mode: "chunk-overflow", status: 1,
            says: "mapping:           failed: AddPortMapping: the router's answer is more than 64 KiB"), prefix: "tuk-")
    }

    /// `portico map` in `wan` against broken_igd.py in `broken.mode`, which `wan` alone hears.
    static func mapAgainst(_ broken: BrokenCase, prefix: String) async throws {
        let lab = try NetworkLab(prefix: prefix, cameras: 1)
        // The broken gateway and the client share the `wan` host, where nothing else answers
        // SSDP. libupnp leaves the search's interface to the routing table (see UPnPClient),
        // and `wan` has no default route: give multicast one.
        let route = try Subprocess.run(["-n", lab.prefix + "wan", "route", "add", "224.0.0.0/4", "dev", "eth0"], executable: "/usr/sbin/ip")
        #expect(route.status == 0, "\(route.error)")
        let gateway = try Subprocess(
            ["netns", "exec", lab.prefix + "wan", "/usr/bin/python3", Repository.path("Tests/Lab/broken_igd.py"),
             "--mode", broken.mode, "--lifetime", "60"],
            executable: "/usr/sbin/ip")
        defer {
            gateway.signal(SIGKILL)
            _ = try? gateway.wait(timeout: .seconds(5))
        }
        try await blocking {
            try eventually(.seconds(5), "the broken gateway listening") {
                try lab.run(["exec", "wan", "ss", "-ltn", "sport = :5001"]).output.contains("5001")
            }
            let started = ContinuousClock.now
            let result = try Self.map(lab, in: "wan", profile: Self.profile(camera: "wancam", timeout: "500ms"))
            #expect(result.status == broken.status, "exit status (\(result.status) > 128 is a crash): \(result.output)\(result.error)")
            #expect(result.output.contains(broken.says), "\(result.output)")
            #expect(ContinuousClock.now - started < .seconds(15), "every exchange is bounded by the 500 ms timeout")
        }
    }

    @Test("a LAN device that answers discovery first with a broken gateway does not keep the camera from the router")
    func hostileGatewayOnTheLAN() async throws {
        let lab = try NetworkLab(prefix: "tuh-", cameras: 2)
        defer { lab.tearDown() }
        // cam2 answers every search at once (the router waits 50 ms), then talks garbage.
        _ = try lab.spawn(in: "cam2", ["/usr/bin/python3", Repository.path("Tests/Lab/broken_igd.py"),
                                       "--mode", "garbage", "--bind", "198.51.100.12", "--lifetime", "60"])
        try await blocking {
            try eventually(.seconds(5), "the broken gateway listening") {
                try lab.run(["exec", "cam2", "ss", "-ltn", "sport = :5001"]).output.contains("5001")
            }
            for _ in 0..<3 {
                let result = try Self.map(lab, in: "cam1", profile: Self.profile(camera: "cam1"), arguments: ["--delete"])
                #expect(result.status == 0, "\(result.output)\(result.error)")
                #expect(result.output.contains("external URL:      http://203.0.113.10:8080/"), "\(result.output)")
            }
        }
    }
}
