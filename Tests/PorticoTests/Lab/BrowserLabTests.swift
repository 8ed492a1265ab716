#if canImport(Glibc)
import Glibc
#endif
import FoundationEssentials
import PorticoCore
import PorticoTestSupport
import Testing

/// The pages in a real browser: Debian's chromium, driven by Playwright for Python
/// (`Tests/Lab/browser_pages.py`), inside the lab's namespaces, against three real
/// `portico run` behind miniupnpd. The browser's checks are in the script, which runs
/// once from a camera's LAN namespace and once from `wan`; a Swift test drives it so
/// that it runs with the other lab tests, on the same lab code, and the lab comes down
/// in a `defer` whatever the script does. Screenshots are kept in `.build-screenshots/`.
@Suite("The pages in a real browser", .serialized, .tags(.lab), .enabled(if: BrowserLab.isAvailable, "needs root, miniupnpd and the browser (Tests/Lab/netlab install-deps, Tests/Lab/browser-setup)"))
struct BrowserLabTests {
    static let script = Repository.path("Tests/Lab/browser_pages.py")
    static let screenshots = Repository.path(".build-screenshots")
    static let password = "browser-admin-pass"

    /// `BROWSER_LAB_PREFIX` lets a run beside other labs pick its own namespaces.
    static var prefix: String {
        getenv("BROWSER_LAB_PREFIX").map { String(cString: $0) } ?? "tbr-"
    }

    /// How many further SIGTERMs are watched after the one from `wan` in the full run,
    /// alternately from the LAN and from `wan`, each after the stopped camera has started
    /// again and the site has settled: 1 (the LAN's) in the regular run; more for the
    /// medians (`BROWSER_FAILOVERS=19`: ten from each place).
    static var failovers: Int {
        getenv("BROWSER_FAILOVERS").flatMap { Int(String(cString: $0)) }.map { min(max($0, 1), 50) } ?? 1
    }

    /// Runs the script in `namespace`; its output is printed, its status and output returned.
    @discardableResult
    static func browse(_ lab: NetworkLab, from namespace: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let result = try Subprocess.run(
            ["netns", "exec", "\(lab.prefix)\(namespace)", BrowserLab.python, script, "--shots", screenshots] + arguments,
            executable: "/usr/sbin/ip", timeout: .seconds(120))
        print(result.output, terminator: "")
        if result.status != 0 { print(result.error) }
        return (result.status, result.output)
    }

    /// The seconds the script measured from SIGTERM to the updated directory.
    static func failoverSeconds(_ output: String) -> Double? {
        guard let line = output.split(separator: "\n").first(where: { $0.contains("SIGTERM to the representative") }),
              let range = line.firstRange(of: "] in ")
        else { return nil }
        return Double(line[range.upperBound...].prefix { $0 != " " })
    }

    /// The representative's SIGTERM watched in the browser from `place`: from `wan` at the
    /// fixed port, from the LAN at the representative's LAN address, in a member's namespace.
    static func failover(_ lab: NetworkLab, cameras: [Subprocess], all: [String], place: String) throws -> (stopped: Int, seconds: Double?) {
        let site = try #require(try RepresentativeLabTests.directory(lab))
        let representative = try #require(site.representative)
        let index = try #require(Int(representative.dropFirst(3)))
        let lan = place == "lan"
        let run = try browse(lab, from: lan ? all.first { $0 != representative }! : "wan", [
            "--place", place, "--directory", lan ? "http://198.51.100.\(10 + index):8080/" : "http://\(NetworkLab.externalAddress):8080/",
            "--expect", all.joined(separator: ","),
            "--kill-pid", String(cameras[index - 1].pid), "--remaining", all.filter { $0 != representative }.joined(separator: ","),
            "--failover-only",
        ])
        #expect(run.status == 0)
        return (index, run.status == 0 ? failoverSeconds(run.output) : nil)
    }

    static func median(_ times: [Double]) -> String {
        let sorted = times.sorted()
        return sorted.isEmpty ? "none" : "median \(sorted[sorted.count / 2]) s of \(sorted.count): \(sorted)"
    }

    @Test("from the LAN and from the internet: thumbnails, links, moving pictures, phone layout; the representative's SIGTERM followed without a reload")
    func pages() async throws {
        let lab = try NetworkLab(prefix: Self.prefix, cameras: 3)
        let key = try RepresentativeLabTests.writeKey("site-key-for-the-lab-browser-tests\n")
        // The admin password, and a state folder per camera (a rename is kept there).
        let folder = try temporaryFolder()
        defer {
            unlink(key)
            for index in 1...3 { unlink("\(folder)/cam\(index)/name"); rmdir("\(folder)/cam\(index)") }
            unlink(folder + "/admin")
            rmdir(folder)
            lab.tearDown()
        }
        try AdminCredential(password: Self.password, iterations: 2_000).save(to: folder + "/admin")
        let profiles = (1...3).map { index in
            mkdir("\(folder)/cam\(index)", 0o755)
            return "state_dir = \"\(folder)/cam\(index)\"\n" + RepresentativeLabTests.profile(camera: index, policy: "port-order", keyFile: key)
                .replacing("[camera]", with: "[http]\nadmin_file = \"\(folder)/admin\"\n[camera]")
        }
        let started = try (1...3).map { index in try lab.startPortico(camera: index, profile: profiles[index - 1]) }
        try await blocking {
            var cameras = started
            let all = ["cam1", "cam2", "cam3"]
            try eventually(.seconds(30), "directory of 3 from wan") { try RepresentativeLabTests.directoryIsExactly(Set(all), lab) }
            let site = try #require(try RepresentativeLabTests.directory(lab))
            let representative = try #require(site.representative)
            let index = try #require(Int(representative.dropFirst(3)))
            // The LAN view from a member's namespace, at the representative's LAN address.
            let member = all.first { $0 != representative }!
            #expect(try Self.browse(lab, from: member, [
                "--place", "lan", "--directory", "http://198.51.100.\(10 + index):8080/", "--expect", all.joined(separator: ","),
                "--admin-password", Self.password, "--camera", "http://198.51.100.\(10 + Int(member.dropFirst(3))!):8080/",
            ]).status == 0)
            let wan = try Self.browse(lab, from: "wan", [
                "--place", "wan", "--directory", "http://\(NetworkLab.externalAddress):8080/", "--expect", all.joined(separator: ","),
                "--admin-password", Self.password, "--camera", "http://\(NetworkLab.externalAddress):8080/",
                "--kill-pid", String(cameras[index - 1].pid), "--remaining", all.filter { $0 != representative }.joined(separator: ","),
            ])
            #expect(wan.status == 0)
            var times: [String: [Double]] = ["wan": [Self.failoverSeconds(wan.output)].compactMap { $0 }, "lan": []]
            var stopped = index
            for round in 0..<Self.failovers where wan.status == 0 {
                let place = round % 2 == 0 ? "lan" : "wan"
                _ = try cameras[stopped - 1].wait(timeout: .seconds(10))
                cameras[stopped - 1] = try lab.startPortico(camera: stopped, profile: profiles[stopped - 1])
                try eventually(.seconds(30), "directory of 3 again") { try RepresentativeLabTests.directoryIsExactly(Set(all), lab) }
                let next = try Self.failover(lab, cameras: cameras, all: all, place: place)
                stopped = next.stopped
                // A run that failed before its SIGTERM leaves nothing to start again: stop here.
                guard let seconds = next.seconds else { break }
                times[place, default: []].append(seconds)
            }
            print("SIGTERM -> updated directory in the browser, from wan: \(Self.median(times["wan"] ?? [])); from the LAN: \(Self.median(times["lan"] ?? []))")
        }
    }
}

/// The browser the page tests drive, installed by `Tests/Lab/browser-setup`.
enum BrowserLab {
    static let python = Repository.path(".build-venv/bin/python")

    /// The network lab, Debian's chromium and the virtual environment with Playwright.
    static var isAvailable: Bool {
        NetworkLab.isAvailable && access("/usr/bin/chromium", X_OK) == 0 && access(python, X_OK) == 0
    }
}
