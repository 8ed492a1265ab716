import ArgumentParser
import PorticoCore

/// The benchmarks, apart from the camera's executable: each starts the `portico` built
/// beside it as a child process and loads it from outside, so the figures are the
/// server's alone and a board's binary carries none of this.
@main
struct PorticoBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "portico-bench",
        abstract: "Measure Portico and print the figures.",
        version: PorticoVersion.current,
        subcommands: [StreamCommand.self, CameraCommand.self],
        defaultSubcommand: StreamCommand.self
    )
}
