#if canImport(Glibc)
import Glibc
#endif

/// UDP multicast on one LAN interface: how cameras hear each other.
///
/// Joined on the named interface, not "any": with several interfaces the kernel would
/// otherwise follow the route to the group. `IP_MULTICAST_ALL` is off so a socket only
/// gets the group it joined; loop-back is off so a camera does not hear itself; TTL 1
/// keeps everything on the LAN (the router never forwards it to the internet).
package final class MulticastTransport: Sendable {
    package let group: String
    package let port: Int
    private let fd: Int32
    private let interfaceIndex: Int32

    package struct Failure: Error, CustomStringConvertible {
        package let description: String
    }

    package init(interface: String, group: String, port: Int) throws(Failure) {
        self.group = group
        self.port = port
        let index = Int32(if_nametoindex(interface))
        guard index > 0 else { throw Failure(description: "no network interface \(interface); check [mapping] interface") }
        guard let localAddress = NetworkInterface.ipv4Address(of: interface) else {
            throw Failure(description: "interface \(interface) has no IPv4 address yet")
        }
        interfaceIndex = index
        fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket: \(String(cString: strerror(errno)))") }
        func option<T>(_ level: Int32, _ name: Int32, _ value: T) -> Bool {
            var value = value
            return setsockopt(fd, level, name, &value, socklen_t(MemoryLayout<T>.size)) == 0
        }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr(group)
        // Before the bind, where it counts: a reload's new site service joins while the
        // one it replaces may still hold the port for a moment.
        let reusable = option(SOL_SOCKET, SO_REUSEADDR, Int32(1))
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        var membership = ip_mreqn()
        membership.imr_multiaddr.s_addr = inet_addr(group)
        membership.imr_address.s_addr = inet_addr(localAddress)
        membership.imr_ifindex = index
        guard reusable,
              bound == 0,
              option(Int32(IPPROTO_IP), IP_ADD_MEMBERSHIP, membership),
              option(Int32(IPPROTO_IP), IP_MULTICAST_IF, membership),
              option(Int32(IPPROTO_IP), IP_MULTICAST_ALL, Int32(0)),
              option(Int32(IPPROTO_IP), IP_MULTICAST_LOOP, UInt8(0)),
              option(Int32(IPPROTO_IP), IP_MULTICAST_TTL, UInt8(1))
        else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw Failure(description: "cannot join \(group):\(port) on \(interface): \(reason)")
        }
    }

    deinit { close(fd) }

    /// The interface's address changed: the membership is joined again from the new
    /// address and messages are sent from it. The old source address is no longer the
    /// board's, so sends from it would fail; the group is joined anew so the kernel
    /// announces the membership (IGMP) from the new address to snooping switches.
    package func follow(address: String) throws(Failure) {
        var membership = ip_mreqn()
        membership.imr_multiaddr.s_addr = inet_addr(group)
        membership.imr_ifindex = interfaceIndex
        // Dropped by interface, whatever address it was joined from; not joined is fine.
        _ = setsockopt(fd, Int32(IPPROTO_IP), IP_DROP_MEMBERSHIP, &membership, socklen_t(MemoryLayout<ip_mreqn>.size))
        membership.imr_address.s_addr = inet_addr(address)
        guard setsockopt(fd, Int32(IPPROTO_IP), IP_ADD_MEMBERSHIP, &membership, socklen_t(MemoryLayout<ip_mreqn>.size)) == 0,
              setsockopt(fd, Int32(IPPROTO_IP), IP_MULTICAST_IF, &membership, socklen_t(MemoryLayout<ip_mreqn>.size)) == 0
        else {
            throw Failure(description: "cannot join \(group):\(port) again from \(address): \(String(cString: strerror(errno)))")
        }
    }

    package func send(_ datagram: [UInt8]) {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr(group)
        _ = datagram.withUnsafeBytes { bytes in
            withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    sendto(fd, bytes.baseAddress, bytes.count, Int32(MSG_DONTWAIT), $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
        }
    }

    /// Waits up to `timeout` for one datagram; nil when none came. Blocking: call it on a dedicated thread.
    package func receive(timeout: Duration) -> [UInt8]? {
        var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        let milliseconds = Int32(timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000)
        guard poll(&descriptor, 1, milliseconds) > 0 else { return nil }
        // One byte more than a valid message may have, so an oversized one is seen as such.
        var buffer = [UInt8](repeating: 0, count: PeerCodec.maximumSize + 1)
        let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
        guard count >= 0 else { return nil }
        return Array(buffer[0..<count])
    }
}
