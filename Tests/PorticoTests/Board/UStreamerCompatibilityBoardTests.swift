#if canImport(Glibc)
import Glibc
#endif
import FoundationEssentials
import PorticoCore
import PorticoTestSupport
import Testing

/// Portico and ustreamer (Debian's 4.9) on the same vivid camera, one after the other,
/// read by the same client written for ustreamer (`Tests/Compatibility/ustreamer_client.py`):
/// every URL, query parameter, header and `/state` field that client reads must have the
/// same shape from both. Run by `scripts/test-board`; skipped outside the board.
@Suite("ustreamer's clients read Portico", .serialized, .tags(.board),
       .enabled(if: VirtualBoard.isInside && access("/usr/bin/ustreamer", X_OK) == 0,
                "needs the virtual board (scripts/test-board) and Debian's ustreamer"))
struct UStreamerCompatibilityBoardTests {
    static let client = Repository.path("Tests/Compatibility/ustreamer_client.py")

    static func observe(port: Int, into file: String) throws {
        let result = try Subprocess.run(
            [client, "observe", "http://127.0.0.1:\(port)", file], executable: "/usr/bin/python3", timeout: .seconds(120))
        guard result.status == 0 else { throw TestFailure("the client failed on port \(port):\n\(result.output)\n\(result.error)") }
    }

    static func waitForState(port: Int) throws {
        try eventually(.seconds(60), "the server answers /state on port \(port)") {
            try LoopbackHTTPClient.get(port: port, path: "/state", timeout: .seconds(2)).status == 200
        }
    }

    @Test("same URLs, parameters, headers and /state shape as ustreamer 4.9 on the same camera")
    func sameShapes() async throws {
        let folder = try temporaryFolder()
        try await blocking {
            try VirtualBoard.command(["v4l2-ctl", "-d", VirtualBoard.video, "--set-input=0"])
            let reference = folder + "/ustreamer.json", candidate = folder + "/portico.json"

            let port = try ServerProcess.freePort()
            let ustreamer = try Subprocess(
                ["--device=\(VirtualBoard.video)", "--format=YUYV", "--encoder=CPU", "--quality=80", "--host=127.0.0.1",
                 "--port=\(port)", "--resolution=640x480", "--desired-fps=25"],
                executable: "/usr/bin/ustreamer")
            do {
                try Self.waitForState(port: port)
                try Self.observe(port: port, into: reference)
            } catch {
                ustreamer.signal(SIGKILL)
                throw error
            }
            ustreamer.signal(SIGTERM)
            _ = try? ustreamer.wait(timeout: .seconds(20))

            let portico = try ServerProcess(profile: VirtualBoard.profile())
            defer { portico.stop() }
            try portico.waitUntilReady()
            _ = try VirtualBoard.waitForSignal(port: portico.port, live: true)
            try Self.observe(port: portico.port, into: candidate)

            let table = try Subprocess.run([Self.client, "compare", reference, candidate], executable: "/usr/bin/python3")
            print(table.output)
            #expect(table.status == 0, "Portico differs from ustreamer:\n\(table.output)\n\(table.error)")
        }
    }
}
