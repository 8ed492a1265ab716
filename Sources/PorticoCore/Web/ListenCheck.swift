#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Whether the web server can listen where it is told, asked before anything starts: a
/// port another program holds is a setting to change, said in words at once, rather
/// than a socket error after the camera and the router have been set going.
package enum ListenCheck {
    /// Nil when `address:port` can be bound now (port 0 always can); otherwise what to say.
    package static func problem(address: String, port: Int) -> String? {
        guard port != 0 else { return nil }
        var socketAddress = sockaddr_in()
        socketAddress.sin_family = sa_family_t(AF_INET)
        socketAddress.sin_port = in_port_t(UInt16(clamping: port)).bigEndian
        guard inet_pton(AF_INET, address, &socketAddress.sin_addr) == 1 else {
            return "cannot listen on \(address):\(port): not an IPv4 address; set [http] address or --http-address"
        }
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { return "cannot listen on \(address):\(port): \(String(cString: strerror(errno)))" }
        defer { close(descriptor) }
        // As the server itself binds: a port left in TIME_WAIT by the last run is free.
        var one: Int32 = 1
        setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        let bound = withUnsafePointer(to: &socketAddress) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound != 0 else { return nil }
        let reason = switch errno {
        case EADDRINUSE: "address in use (another program listens there)"
        case EADDRNOTAVAIL: "this board has no such address"
        case EACCES: "permission denied (ports below 1024 need privileges)"
        default: String(cString: strerror(errno))
        }
        return "cannot listen on \(address):\(port): \(reason); set [http] port or --http-port"
    }
}
