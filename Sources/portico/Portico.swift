import ArgumentParser
import PorticoCore

@main
struct Portico: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "portico",
        abstract: "Camera firmware: streams a board's camera and shares one internet address with its neighbours.",
        version: PorticoVersion.current,
        subcommands: [RunCommand.self, ProbeCommand.self, MapCommand.self, RegisterCommand.self, PasswdCommand.self],
        defaultSubcommand: nil
    )
}
