#if canImport(Glibc)
import Glibc
#endif
import ArgumentParser
import FoundationEssentials
import PorticoCore
import PorticoTestSupport

struct CameraCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "camera",
        abstract: "Compare Portico with another MJPEG streamer on the same camera: delivered fps and server CPU per frame.",
        discussion: """
            Runs `portico run` (the `portico` built beside this program) with the profile, then the reference command, one after the other on the same
            camera, each with every client count: the clients read /stream as fast as frames come; the figures
            are the frames they got and the server's CPU time (utime + stime from /proc) over the window.
            The reference command's {port} is replaced by the port to listen on. scripts/bench-camera runs this
            inside the virtual board against ustreamer.
            """)

    @Option(help: ArgumentHelp("The board profile with the camera.", valueName: "path"))
    var profile: String

    @Option(help: ArgumentHelp("The other streamer's command line, with {port}.", valueName: "command"))
    var reference: String

    @Option(help: "A short name for the other streamer.")
    var referenceName: String = "reference"

    @Option(help: "A title for the figures.")
    var title: String = ""

    @Option(parsing: .upToNextOption, help: "Client counts.")
    var clients: [Int] = [1, 10]

    @Option(help: "Seconds measured per run.")
    var seconds: Int = 10

    @Option(help: "Seconds of reading before measuring.")
    var warmup: Int = 2

    func run() async throws {
        let text = try ProfileLoader.read(ProfileLoader.resolve(profile))
        let warmup = Duration.seconds(warmup), window = Duration.seconds(seconds)
        var rows: [(tool: String, result: CameraComparison.Result)] = []
        for count in clients {
            let server = try ServerProcess(profile: text)
            do {
                try await DedicatedThread.run(name: "wait") { _ in try server.waitUntilReady() }
                try await DedicatedThread.run(name: "wait") { _ in try Self.waitForFrames(port: server.port) }
                rows.append(("portico", try await CameraComparison.measure(
                    port: server.port, clients: count, warmup: warmup, seconds: window, cpu: { try server.cpuTime() },
                    state: { try JSONDecoder().decode(StateReport.self, from: Data(LoopbackHTTPClient.get(port: server.port, path: "/state").body)) })))
            } catch {
                server.stop()
                throw error
            }
            server.stop()

            let other = try ReferenceServer(command: reference, log: "/tmp/portico-bench-\(referenceName).log")
            do {
                try await DedicatedThread.run(name: "wait") { _ in try other.waitUntilStreaming() }
                rows.append((referenceName, try await CameraComparison.measure(
                    port: other.port, clients: count, warmup: warmup, seconds: window, cpu: { try other.cpuTime() })))
            } catch {
                other.stop()
                throw error
            }
            other.stop()
        }
        print(Self.table(rows, title: title, reference: referenceName, seconds: seconds, warmup: self.warmup))
    }

    /// A live camera's frames, not a "NO SIGNAL" placeholder: the measurement is of capture and encoding.
    static func waitForFrames(port: Int) throws {
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            let reply = try LoopbackHTTPClient.get(port: port, path: "/state")
            let state = try JSONDecoder().decode(StateReport.self, from: Data(reply.body))
            if state.camera?.signal == "live" { return }
            usleep(100_000)
        }
        throw ServerProcess.Failure(description: "portico's camera gave no picture within 30 s; see /state")
    }

    static func table(
        _ rows: [(tool: String, result: CameraComparison.Result)], title: String, reference: String, seconds: Int, warmup: Int
    ) -> String {
        var lines = [
            "\(title.isEmpty ? "camera" : title): \(seconds) s per run after \(warmup) s of reading; server CPU = utime + stime",
            "  \(pad("streamer", 12)) \(pad("clients", 8)) \(pad("delivered fps/client", 21)) \(pad("CPU ms/s", 9)) CPU ms/delivered frame",
        ]
        for (tool, result) in rows {
            lines.append("  \(pad(tool, 12)) \(pad(String(result.clients), 8)) \(pad(fixed(result.deliveredFpsPerClient, 1), 21)) \(pad(fixed(result.cpuMillisecondsPerSecond, 0), 9)) \(fixed(result.cpuPerDeliveredFrame, 2))")
            if let notes = result.notes { lines.append("  \(pad("", 12)) (\(notes))") }
        }
        for count in Set(rows.map(\.result.clients)).sorted() {
            guard let mine = rows.first(where: { $0.tool == "portico" && $0.result.clients == count })?.result,
                  let theirs = rows.first(where: { $0.tool == reference && $0.result.clients == count })?.result
            else { continue }
            let fps = mine.deliveredFpsPerClient / max(0.001, theirs.deliveredFpsPerClient)
            let cpu = mine.cpuPerDeliveredFrame / max(0.001, theirs.cpuPerDeliveredFrame)
            lines.append("  portico / \(reference), \(count) client\(count == 1 ? "" : "s"): delivered fps \(fixed(fps, 2))x, CPU per frame \(fixed(cpu, 2))x")
        }
        return lines.joined(separator: "\n")
    }
}
