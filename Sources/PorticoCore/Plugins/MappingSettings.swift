/// The `[mapping]` keys every mapping backend shares.
package struct MappingSettings: Sendable, Equatable, CustomStringConvertible {
    /// The LAN interface the router is reached through; the mapping forwards to its address.
    package var interface: String
    /// The external port the representative holds, the one address viewers use.
    package var fixedPort: Int
    /// Ports the other cameras ask for, in order, when the fixed port is taken.
    package var ports: PortRange
    /// Lease asked for; renewed at half-life. Short, so a new representative can take over
    /// the fixed port when the router will not let it delete the old mapping.
    package var lease: Duration
    /// Lease of the fixed port, renewed at a third: short, so a new representative takes the
    /// fixed port soon even where the router will not let it delete its predecessor's (the
    /// default of miniupnpd and OpenWrt: `secure_mode`). 3 s: a crash then costs at most
    /// that; a router counting whole seconds may end it a second early, so the renewal
    /// every second still has a second to spare on a lossy link. Once a takeover is seen
    /// to delete a predecessor's mapping, `fixedLeaseWhereDeletable`.
    package var fixedLease: Duration
    /// The fixed port's lease on a router seen to let a successor delete its predecessor's
    /// mapping: the lease no longer decides a failover, and fewer renewals reach the router.
    package static let fixedLeaseWhereDeletable: Duration = .seconds(10)
    /// How long one exchange with the router may take before it counts as unreachable.
    /// The default, 5 s, rides out TCP's retransmissions of a lost SYN (after 1 s, then
    /// 3 s more) on a lossy LAN.
    package var timeout: Duration
    /// When registration starts: at boot, or only when the registration switch is pressed.
    package var register: Start

    package enum Start: String, Sendable, Equatable, CaseIterable {
        case boot
        case `switch`
    }

    package static let portRange = 1...65535

    package init(
        interface: String = "eth0", fixedPort: Int = 8080, ports: PortRange = PortRange(8081, 8099),
        lease: Duration = .seconds(3600), fixedLease: Duration = .seconds(3), timeout: Duration = .seconds(5),
        register: Start = .boot
    ) {
        self.fixedLease = fixedLease
        self.interface = interface
        self.fixedPort = fixedPort
        self.ports = ports
        self.lease = lease
        self.timeout = timeout
        self.register = register
    }

    package init(reading section: inout ProfileSection) {
        let defaults = MappingSettings()
        interface = section.string("interface", default: defaults.interface) ?? defaults.interface
        fixedPort = section.integer("fixed_port", in: Self.portRange, default: defaults.fixedPort) ?? defaults.fixedPort
        ports = section.portRange("ports", within: Self.portRange, default: defaults.ports) ?? defaults.ports
        lease = section.duration("lease", in: .zero ... .seconds(7 * 24 * 3600), default: defaults.lease) ?? defaults.lease
        fixedLease = section.duration("fixed_lease", in: .seconds(2) ... .seconds(3600), default: defaults.fixedLease) ?? defaults.fixedLease
        timeout = section.duration("timeout", in: .milliseconds(100) ... .seconds(30), default: defaults.timeout) ?? defaults.timeout
        let start = section.choice("register", from: Start.allCases.map(\.rawValue), default: defaults.register.rawValue)
        register = start.flatMap(Start.init(rawValue:)) ?? defaults.register
        if interface.isEmpty || interface.utf8.count > 15 || interface.contains("/") {
            section.reject("interface", .invalidValue, "'\(ProfileError.shortened(interface))' cannot be a network interface name",
                           validChoices: ["1 to 15 characters, e.g. \"eth0\" or \"wlan0\""])
        }
    }

    package var description: String {
        "on \(interface): fixed port \(fixedPort), others from \(ports), lease \(ProfileDuration.format(lease)), registers at \(register.rawValue)"
    }
}
