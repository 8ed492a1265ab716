#if canImport(Glibc)
import Glibc
#endif
import FoundationEssentials
import PorticoCore
import PorticoTestSupport
import Testing

/// A representative renews its fixed port every second or so, for as long as it runs:
/// those renewals stay at debug, and the log above it says only what changed.
@Suite("The representative's log through a real router", .serialized, .tags(.lab), .enabled(if: NetworkLab.isAvailable, "needs root and miniupnpd (Tests/Lab/netlab install-deps)"))
struct RenewalLogLabTests {
    @Test("12 s as representative: a dozen renewals at debug and no \"mapped\" above it after the first; role and address at notice")
    func renewalsAtDebug() async throws {
        let lab = try NetworkLab(prefix: "tlg-", cameras: 1)
        defer { lab.tearDown() }
        let key = try temporaryProfile("site-key-for-the-lab-renewal-log-test\n")
        defer { unlink(key) }
        let profile = try temporaryProfile(RepresentativeLabTests.profile(camera: 1, policy: "port-order", keyFile: key))
        defer { unlink(profile) }
        let camera = try lab.spawn(in: "cam1", ["/usr/bin/env", "PORTICO_LOG_LEVEL=debug", Repository.executable, "run", "--profile", profile])
        let settled = try await blocking { () -> Int in
            try eventually(.seconds(30), "representative, seen from wan") {
                try lab.stateFromWAN(port: 8080, timeout: 2)?.site?.role == .representative
            }
            let settled = camera.errorOutput.utf8.count
            usleep(12_000_000)
            return settled
        }
        let all = camera.errorOutput
        camera.signal(SIGTERM)
        #expect(try camera.wait(timeout: .seconds(10)) == 0)
        func aboveDebug(_ line: Substring) -> Bool { !line.contains(" debug portico: ") && !line.contains(" trace portico: ") }
        let lines = all.split(separator: "\n")
        let first = lines.filter { $0.hasSuffix("] mapped") && aboveDebug($0) }
        #expect(first.contains { $0.contains(" notice portico: ") && $0.contains("external_port=8080") }, "the fixed port mapped, once at notice: \(first)")
        #expect(lines.contains { $0.contains(" notice portico: ") && $0.hasSuffix("] role representative") }, "the role change at notice")
        #expect(lines.contains { $0.contains(" notice portico: ") && $0.contains("address=203.0.113.10") && $0.hasSuffix("] external address learnt") })

        // The 12 s after it settled.
        let later = String(decoding: Array(all.utf8).dropFirst(settled), as: UTF8.self).split(separator: "\n")
        let renewals = later.filter { $0.hasSuffix("] mapped") && $0.contains(" debug portico: ") }
        // The fixed port's lease is 2 s, renewed about every second.
        #expect(renewals.count >= 8, "renewals happen, at debug: \(renewals.count)")
        let noisy = later.filter(aboveDebug)
        print("representative's log over 12 s: \(renewals.count) renewals at debug, \(noisy.count) lines above debug")
        #expect(!noisy.contains { $0.hasSuffix("] mapped") }, "no \"mapped\" above debug after the first: \(noisy)")
        #expect(noisy.count <= 3, "the log above debug stays quiet: \(noisy.count) lines in 12 s\n\(noisy.joined(separator: "\n"))")
    }
}
