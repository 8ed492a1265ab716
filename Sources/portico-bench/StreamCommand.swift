import ArgumentParser
import PorticoCore

struct StreamCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stream",
        abstract: "Measure encoding and streaming of the test pattern, and print the figures.",
        discussion: """
            Encode: frames per second of the test pattern (paint + libturbojpeg) on one thread.
            Stream: a `portico run` child (the `portico` built beside this program) with a test-pattern camera on a loopback port, loaded by
            1 and by 50 concurrent /stream clients; its CPU time (from /proc) per delivered frame.
            """)

    @Option(help: "Seconds per encode measurement.")
    var encodeSeconds: Double = 3

    @Option(help: "Seconds per stream measurement.")
    var streamSeconds: Double = 5

    @Option(help: "Frame size of the stream measurement.")
    var streamSize: String = "640x480"

    @Option(help: "Frame rate of the stream measurement.")
    var streamFps: Int = 30

    @Option(parsing: .upToNextOption, help: "Client counts of the stream measurement.")
    var clients: [Int] = [1, 50]

    @Option(help: "JPEG quality.")
    var quality: Int = 80

    func run() async throws {
        print("portico \(PorticoVersion.current) bench")
        print("encode: test pattern, JPEG quality \(quality), one thread, \(encodeSeconds) s each")
        for size in [FrameSize(width: 640, height: 480), FrameSize(width: 1280, height: 720)] {
            let result = try EncodeBenchmark.run(size: size, quality: quality, seconds: encodeSeconds)
            print("  \(pad(size.description, 10)) \(fixed(result.fps, 1)) fps   \(fixed(result.millisecondsPerFrame, 2)) ms/frame   \(result.averageBytes / 1024) KiB/frame")
        }

        print("stream: test pattern \(streamSize) at \(streamFps) fps, \(streamSeconds) s per run, server CPU from /proc")
        print("  clients   captured fps   delivered fps/client   server CPU ms/s   CPU ms/delivered frame   CPU ms/captured frame")
        for count in clients {
            let result = try await StreamBenchmark.run(
                size: streamSize, fps: streamFps, quality: quality, clients: count, seconds: streamSeconds)
            print("  \(pad(String(count), 9)) \(pad(fixed(result.capturedFps, 1), 14)) \(pad(fixed(result.deliveredFpsPerClient, 1), 22)) \(pad(fixed(result.cpuMillisecondsPerSecond, 1), 17)) \(pad(fixed(result.cpuPerDeliveredFrame, 3), 24)) \(fixed(result.cpuPerCapturedFrame, 3))")
        }
    }
}
