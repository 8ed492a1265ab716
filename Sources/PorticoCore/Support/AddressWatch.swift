/// Notices the board's LAN address changing while the daemon runs: a DHCP renewal may
/// hand out another address, and the router's mapping and the peers must follow it
/// without a restart. The services poll it and turn a change into an event for their
/// state machine (`addressChanged`), so the daemon and the simulations share what follows.
///
/// A poll every couple of seconds is plenty: an address changes rarely, reading the
/// interface's addresses costs microseconds, and the mapping is only wrong for as long
/// as the change goes unnoticed (well within a renewal interval).
public struct AddressWatch: Sendable {
    public let interface: String
    public let interval: Duration
    /// The address last seen, which the machines were told.
    public private(set) var address: String
    private var lastLook: Duration

    public init(interface: String, address: String, interval: Duration = .seconds(2), at now: Duration) {
        self.interface = interface
        self.address = address
        self.interval = interval
        self.lastLook = now
    }

    /// The interface's new address when it changed since the last look; nil otherwise,
    /// and while it has none (a lease lost is not a new address: the mapping stays until
    /// one comes).
    public mutating func poll(at now: Duration) -> String? {
        guard now - lastLook >= interval else { return nil }
        lastLook = now
        guard let current = NetworkInterface.ipv4Address(of: interface), current != address else { return nil }
        address = current
        return current
    }
}
