#if canImport(Glibc)
import Glibc
#endif
import FoundationEssentials
import PorticoCore
import PorticoTestSupport
import Testing

/// Addresses that stay valid through a failover, behind the lab's real router: the member
/// that becomes representative still answers on its old port from the internet, beside
/// 8080, until it withdraws; then both are gone.
@Suite("A new representative keeps its old port", .serialized, .tags(.lab),
       .enabled(if: NetworkLab.isAvailable, "needs root and miniupnpd (Tests/Lab/netlab install-deps)"))
struct KeptPortLabTests {
    @Test("3 cameras: the representative leaves (SIGTERM); its successor answers on 8080 and its old port; withdrawn, on neither",
          arguments: [("upnp", "tka-"), ("natpmp", "tkb-")])
    func keptAfterFailover(backend: String, prefix: String) async throws {
        let lab = try NetworkLab(prefix: prefix, cameras: 3)
        defer { lab.tearDown() }
        let key = try RepresentativeLabTests.writeKey("site-key-for-the-kept-port-tests\n")
        defer { unlink(key) }
        let folders = try (1...3).map { _ in try temporaryFolder() }
        let cameras = try (1...3).map { index in
            let folder = folders[index - 1]
            try AdminCredential(password: "bring-up-pass", iterations: 2_000).save(to: folder + "/admin")
            return try lab.startPortico(camera: index, profile: "state_dir = \"\(folder)\"\n"
                + RepresentativeLabTests.profile(camera: index, policy: "port-order", keyFile: key, backend: backend)
                    .replacing("[camera]", with: "[http]\nadmin_file = \"\(folder)/admin\"\n[camera]"))
        }
        defer { for folder in folders { _ = try? Subprocess.run(["-rf", folder], executable: "/bin/rm") } }
        let password = try temporaryProfile("bring-up-pass\n")
        defer { unlink(password) }
        try await blocking {
            let all: Set<String> = ["cam1", "cam2", "cam3"]
            try eventually(.seconds(30), "directory of 3 from wan") { try RepresentativeLabTests.directoryIsExactly(all, lab) }
            let before = try #require(try RepresentativeLabTests.directory(lab))
            let first = try #require(before.representative)
            let ports = Dictionary(uniqueKeysWithValues: before.directory.cameras.map { ($0.name, $0.external_port) })
            let index = try #require(Int(first.dropFirst(3)))
            cameras[index - 1].signal(SIGTERM)
            #expect(try cameras[index - 1].wait(timeout: .seconds(5)) == 0)

            let rest = all.subtracting([first])
            try eventually(.seconds(30), "directory of the 2 left, each once, from a new representative") {
                try RepresentativeLabTests.directoryIsExactly(rest, lab)
            }
            let after = try #require(try RepresentativeLabTests.directory(lab))
            let successor = try #require(after.representative)
            let own = try #require(ports[successor])
            #expect(own != 8080 && successor != first)
            #expect(try lab.stateFromWAN(port: 8080)?.name == successor)
            let kept = try lab.stateFromWAN(port: own)
            #expect(kept?.name == successor, "http://203.0.113.10:\(own)/ answers for \(successor)")
            #expect(kept?.mapping?.externalPort == 8080 && kept?.mapping?.ownPort == own)
            #expect(after.directory.cameras.filter { $0.name == successor }.map(\.external_port) == [8080], "listed once, on 8080")
            // Past a renewal of the fixed port's lease (2 s) and more: both still answer.
            usleep(5_000_000)
            let local = try lab.run(["exec", "cam\(successor.dropFirst(3))", "curl", "-s", "-m", "3", "http://127.0.0.1:8080/state"])
            let table = try lab.run(["exec", "cam\(successor.dropFirst(3))", "upnpc", "-i", "-u", "http://198.51.100.1:5000/rootDesc.xml", "-l"])
            #expect(try lab.stateFromWAN(port: own)?.name == successor, "\(local.output)\n\(table.output)")
            #expect(try lab.stateFromWAN(port: 8080)?.name == successor)

            let successorIndex = try #require(Int(successor.dropFirst(3)))
            let withdrawn = try lab.run(["exec", "cam\(successorIndex)", "sh", "-c", "\(Repository.executable) register --withdraw < \(password)"])
            #expect(withdrawn.status == 0, "\(withdrawn.output)\(withdrawn.error)")
            let last = rest.subtracting([successor])
            try eventually(.seconds(30), "the last camera alone in the directory, from 8080") {
                try RepresentativeLabTests.directoryIsExactly(last, lab)
            }
            try eventually(.seconds(5), "nothing on \(own)") { try lab.stateFromWAN(port: own, timeout: 2) == nil }
            #expect(try lab.stateFromWAN(port: 8080)?.name == last.first)
        }
    }
}
