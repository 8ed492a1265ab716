import ArgumentParser
import Logging
import PorticoCore

struct MapCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "map",
        abstract: "For bring-up: ask the router for this camera's port once, print the external URL and the router's table.",
        discussion: """
            Uses the profile's [mapping] section: the fixed port first, then the range. The mapping stays
            for its lease (so the URL can be tried from outside) unless --delete is given.
            """)

    @OptionGroup var profile: ProfileOptions

    @Option(name: .long, help: ArgumentHelp("The port to forward to, instead of [http] port.", valueName: "port"))
    var httpPort: Int?

    @Flag(help: "Remove the mapping again after printing.")
    var delete = false

    func run() async throws {
        let logger = PorticoLogging.bootstrap(defaultLevel: .warning)
        let loaded: Profile
        do {
            loaded = try profile.load()
        } catch {
            throw InvalidProfile.exit(error)
        }
        guard let mapping = loaded.mapping else {
            print("\(loaded.file): no [mapping] section: this board maps no port")
            throw ExitCode(2)
        }
        let settings = mapping.settings
        guard let address = NetworkInterface.ipv4Address(of: settings.interface) else {
            print("no IPv4 address on interface \(settings.interface) ([mapping] interface in \(loaded.file))")
            throw ExitCode(1)
        }
        let started = ContinuousClock.now
        var driver = RegistrationDriver(
            configuration: .init(
                fixedPort: settings.fixedPort, ports: settings.ports, lease: settings.lease, internalAddress: address,
                internalPort: httpPort ?? loaded.http.port, description: MappingDescription.of(camera: loaded.name)),
            backend: mapping.instance, logger: logger)
        await driver.handle(.start)
        let elapsed = ContinuousClock.now - started
        let status = driver.machine.status

        print("backend:           \(mapping.pluginName) on \(settings.interface) (\(address))")
        print("external address:  \(status.externalAddress ?? "unknown")\(status.behindAnotherNAT ? " (\(status.addressKind?.rawValue ?? "?") address: this router is behind another NAT)" : "")")
        guard let port = status.externalPort else {
            print("mapping:           failed: \(status.lastError ?? "no answer")")
            throw ExitCode(1)
        }
        print("mapping:           external port \(port) -> \(address):\(httpPort ?? loaded.http.port), lease \(ProfileDuration.format(driver.machine.mapping?.lease ?? .zero))")
        print("fixed port:        \(status.holdsFixedPort ? "held: this camera can be the representative" : "held by another host")")
        print("external URL:      \(status.externalURL ?? "unknown")")
        print("took:              \(Int((elapsed.components.seconds * 1000) + elapsed.components.attoseconds / 1_000_000_000_000_000)) ms")
        if mapping.instance.canListMappings {
            do {
                let table = try await mapping.instance.mappings()
                print("router's table (\(table.count)):")
                for entry in table {
                    print("  \(entry.externalPort) -> \(entry.internalAddress):\(entry.internalPort)  lease \(ProfileDuration.format(entry.lease))  \(entry.description)")
                }
            } catch {
                print("router's table:    cannot be read: \(error)")
            }
        } else {
            print("router's table:    \(mapping.pluginName) cannot list it")
        }
        if delete {
            await driver.handle(.withdraw)
            print("mapping removed")
        }
    }
}
