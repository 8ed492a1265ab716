#if canImport(Glibc)
import Glibc
#endif
import FoundationEssentials
import PorticoCore
import Testing

@testable import portico

/// The pages in a real browser: Debian's chromium, driven by Playwright for Python
/// (`Tests/Lab/browser_pages.py`), inside the lab's namespaces, against three real
/// `portico run` behind miniupnpd. The browser's checks are in the script, which runs
/// once from a camera's LAN namespace and once from `wan`; a Swift test drives it so
/// that it runs with the other lab tests, on the same lab code, and the lab comes down
/// in a `defer` whatever the script does. Screenshots are kept in `.build-screenshots/`.
@Suite("The pages in a real browser", .serialized, .enabled(if: BrowserLab.isAvailable, "needs root, miniupnpd and the browser (Tests/Lab/netlab install-deps, Tests/Lab/browser-setup)"))
struct BrowserLabTests {
    static let script = Repository.path("Tests/Lab/browser_pages.py")
    static let screenshots = Repository.path(".build-screenshots")

    /// `BROWSER_LAB_PREFIX` lets a run beside other labs pick its own namespaces.
    static var prefix: String {
        getenv("BROWSER_LAB_PREFIX").map { String(cString: $0) } ?? "tbr-"
    }

    /// Runs the script in `namespace`; its output is printed, its status returned.
    static func browse(_ lab: NetworkLab, from namespace: String, _ arguments: [String]) throws -> Int32 {
        let result = try Subprocess.run(
            ["netns", "exec", "\(lab.prefix)\(namespace)", BrowserLab.python, script, "--shots", screenshots] + arguments,
            executable: "/usr/sbin/ip", timeout: .seconds(120))
        print(result.output, terminator: "")
        if result.status != 0 { print(result.error) }
        return result.status
    }

    @Test("from the LAN and from the internet: thumbnails, links, moving pictures, phone layout; the representative's SIGTERM followed without a reload")
    func pages() async throws {
        let lab = try NetworkLab(prefix: Self.prefix, cameras: 3)
        let key = try RepresentativeLabTests.writeKey("site-key-for-the-lab-browser-tests\n")
        defer {
            unlink(key)
            lab.tearDown()
        }
        let cameras = try (1...3).map { index in
            try lab.startPortico(camera: index, profile: RepresentativeLabTests.profile(camera: index, policy: "port-order", keyFile: key))
        }
        try await blocking {
            let all = ["cam1", "cam2", "cam3"]
            try eventually(.seconds(30), "directory of 3 from wan") { try RepresentativeLabTests.directoryIsExactly(Set(all), lab) }
            let site = try #require(try RepresentativeLabTests.directory(lab))
            let representative = try #require(site.representative)
            let index = try #require(Int(representative.dropFirst(3)))
            // The LAN view from a member's namespace, at the representative's LAN address.
            let member = all.first { $0 != representative }!
            #expect(try Self.browse(lab, from: member, [
                "--place", "lan", "--directory", "http://198.51.100.\(10 + index):8080/", "--expect", all.joined(separator: ","),
            ]) == 0)
            #expect(try Self.browse(lab, from: "wan", [
                "--place", "wan", "--directory", "http://\(NetworkLab.externalAddress):8080/", "--expect", all.joined(separator: ","),
                "--kill-pid", String(cameras[index - 1].pid), "--remaining", all.filter { $0 != representative }.joined(separator: ","),
            ]) == 0)
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
