#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Tells the service manager (systemd) how the daemon is doing, in its notification
/// protocol: one datagram of `NAME=value` lines to the socket named by `NOTIFY_SOCKET`.
///
/// The protocol is small and stable, so it is spoken here directly rather than through
/// libsystemd: one library fewer on the board. Without `NOTIFY_SOCKET` (a terminal, a
/// test, another init system) every notification is dropped without a word.
package struct ServiceManagerNotifier: Sendable {
    /// The socket's path; a leading `@` names an abstract socket.
    package let socketPath: String?
    /// How often systemd expects `WATCHDOG=1`, when it asked for it (`WatchdogSec=`).
    package let watchdogInterval: Duration?

    package init(environment: [String: String]) {
        let path = environment["NOTIFY_SOCKET"].flatMap { $0.isEmpty ? nil : $0 }
        socketPath = path
        // WATCHDOG_PID, when set, says which process the watchdog is meant for.
        let forUs = environment["WATCHDOG_PID"].map { $0 == String(getpid()) } ?? true
        watchdogInterval = path != nil && forUs
            ? environment["WATCHDOG_USEC"].flatMap(UInt64.init).flatMap { $0 > 0 ? .microseconds(Int64(clamping: $0)) : nil }
            : nil
    }

    /// The process environment's settings.
    package static var fromProcess: ServiceManagerNotifier {
        var environment: [String: String] = [:]
        for name in ["NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID"] {
            if let value = getenv(name) { environment[name] = String(cString: value) }
        }
        return ServiceManagerNotifier(environment: environment)
    }

    package var isActive: Bool { socketPath != nil }

    /// Sends `lines` (`READY=1`, `STATUS=…`) as one notification. Returns false when it
    /// could not be delivered; the daemon runs on either way.
    @discardableResult
    package func notify(_ lines: [String]) -> Bool {
        guard let socketPath else { return false }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        var path = Array(socketPath.utf8)
        if path.first == UInt8(ascii: "@") { path[0] = 0 }
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard !path.isEmpty, path.count < capacity else { return false }
        withUnsafeMutableBytes(of: &address.sun_path) { bytes in
            for (index, byte) in path.enumerated() { bytes[index] = byte }
        }
        let length = socklen_t(MemoryLayout<sa_family_t>.size + path.count + (path[0] == 0 ? 0 : 1))
        let descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        let message = Array(lines.map { $0.replacing("\n", with: " ") }.joined(separator: "\n").utf8)
        let sent = message.withUnsafeBytes { bytes in
            withUnsafePointer(to: &address) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { sendto(descriptor, bytes.baseAddress, bytes.count, Int32(MSG_NOSIGNAL), $0, length) }
            }
        }
        return sent == message.count
    }
}
