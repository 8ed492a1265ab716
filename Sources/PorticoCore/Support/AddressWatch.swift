import Logging
import ServiceLifecycle

/// Notices the board's LAN address changing while the daemon runs: a DHCP renewal may
/// hand out another address, and the router's mapping and the peers must follow it
/// without a restart. The services poll it and turn a change into an event for their
/// state machine (`addressChanged`), so the daemon and the simulations share what follows.
///
/// A poll every couple of seconds is plenty: an address changes rarely, reading the
/// interface's addresses costs microseconds, and the mapping is only wrong for as long
/// as the change goes unnoticed (well within a renewal interval).
package struct AddressWatch: Sendable {
    package let interface: String
    package let interval: Duration
    /// The address last seen, which the machines were told.
    package private(set) var address: String
    private var lastLook: Duration

    package init(interface: String, address: String, interval: Duration = .seconds(2), at now: Duration) {
        self.interface = interface
        self.address = address
        self.interval = interval
        self.lastLook = now
    }

    /// The interface's new address when it changed since the last look; nil otherwise,
    /// and while it has none (a lease lost is not a new address: the mapping stays until
    /// one comes).
    package mutating func poll(at now: Duration) -> String? {
        guard now - lastLook >= interval else { return nil }
        lastLook = now
        guard let current = NetworkInterface.ipv4Address(of: interface), current != address else { return nil }
        address = current
        return current
    }

    /// The interface's address once it has one and `ports` (the web server's) are known;
    /// nil when the task ends first. The interface may still be coming up (DHCP) when the
    /// daemon starts; the wait is said once, when the ports are there and the address is not.
    package static func waitForAddress<Ports: Sendable>(
        of interface: String, logger: Logger, ports: () -> Ports?
    ) async -> (address: String, ports: Ports)? {
        var warned = false
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            let known = ports()
            if let address = NetworkInterface.ipv4Address(of: interface), let known { return (address, known) }
            if known != nil && !warned {
                logger.warning("no IPv4 address on \(interface) yet; waiting", metadata: ["hint": "check [mapping] interface in the profile"])
                warned = true
            }
            try? await Task.sleep(for: .milliseconds(100))
        }
        return nil
    }
}
