#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// This board's network interfaces, as the kernel reports them.
package enum NetworkInterface {
    /// The first IPv4 address of `name`, or nil when it has none (not up yet, no DHCP lease).
    package static func ipv4Address(of name: String) -> String? {
        var list: UnsafeMutablePointer<ifaddrs>?
        guard getifaddrs(&list) == 0, let first = list else { return nil }
        defer { freeifaddrs(list) }
        var cursor: UnsafeMutablePointer<ifaddrs>? = first
        while let entry = cursor {
            defer { cursor = entry.pointee.ifa_next }
            guard let address = entry.pointee.ifa_addr, address.pointee.sa_family == sa_family_t(AF_INET),
                  String(cString: entry.pointee.ifa_name) == name
            else { continue }
            var text = [CChar](repeating: 0, count: Int(INET_ADDRSTRLEN))
            var inet = address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { $0.pointee.sin_addr }
            guard inet_ntop(AF_INET, &inet, &text, socklen_t(text.count)) != nil else { continue }
            return String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
        return nil
    }

    /// The IPv4 subnet of `name` (its first IPv4 address with that address's netmask), or
    /// nil when it has none: the pages ask it whether a viewer is on the camera's LAN.
    package static func subnet(of name: String) -> IPv4Subnet? {
        ipv4Subnets(of: name).first
    }

    /// The IPv4 networks of `name` (address and netmask), or of every interface when
    /// `name` is nil: who counts as being on the camera's LAN.
    package static func ipv4Subnets(of name: String? = nil) -> [IPv4Subnet] {
        var list: UnsafeMutablePointer<ifaddrs>?
        guard getifaddrs(&list) == 0, let first = list else { return [] }
        defer { freeifaddrs(list) }
        var subnets: [IPv4Subnet] = []
        var cursor: UnsafeMutablePointer<ifaddrs>? = first
        while let entry = cursor {
            defer { cursor = entry.pointee.ifa_next }
            guard let address = entry.pointee.ifa_addr, address.pointee.sa_family == sa_family_t(AF_INET),
                  let netmask = entry.pointee.ifa_netmask, netmask.pointee.sa_family == sa_family_t(AF_INET),
                  name.map({ String(cString: entry.pointee.ifa_name) == $0 }) ?? true
            else { continue }
            let value = address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { UInt32(bigEndian: $0.pointee.sin_addr.s_addr) }
            let mask = netmask.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { UInt32(bigEndian: $0.pointee.sin_addr.s_addr) }
            let subnet = IPv4Subnet(address: value, prefixLength: mask.nonzeroBitCount)
            if !subnets.contains(subnet) { subnets.append(subnet) }
        }
        return subnets
    }

    /// Every interface the kernel lists, in its order, whether up or not.
    package static func names() -> [String] {
        var list: UnsafeMutablePointer<ifaddrs>?
        guard getifaddrs(&list) == 0, let first = list else { return [] }
        defer { freeifaddrs(list) }
        var names: [String] = []
        var cursor: UnsafeMutablePointer<ifaddrs>? = first
        while let entry = cursor {
            let name = String(cString: entry.pointee.ifa_name)
            if !names.contains(name) { names.append(name) }
            cursor = entry.pointee.ifa_next
        }
        return names
    }

    /// The gateway of `name`'s default route (the router every packet to the internet
    /// goes through), from the kernel's routing table; nil without one.
    package static func defaultGateway(of name: String) -> String? {
        guard let text = try? ProfileLoader.read("/proc/net/route") else { return nil }
        return defaultGateway(of: name, routeTable: text)
    }

    /// `/proc/net/route`'s format: a header line, then one route a line, tab-separated,
    /// with addresses as the kernel's 32-bit words in hexadecimal (host byte order).
    static func defaultGateway(of name: String, routeTable: String) -> String? {
        let gatewayFlag: UInt32 = 0x2  // RTF_GATEWAY
        for line in routeTable.split(separator: "\n").dropFirst() {
            let fields = line.split(whereSeparator: { $0 == "\t" || $0 == " " })
            guard fields.count >= 4, fields[0] == name, fields[1] == "00000000",
                  let gateway = UInt32(fields[2], radix: 16), gateway != 0,
                  let flags = UInt32(fields[3], radix: 16), flags & gatewayFlag != 0
            else { continue }
            let word = UInt32(littleEndian: gateway)
            return (0..<4).map { String((word >> ($0 * 8)) & 0xff) }.joined(separator: ".")
        }
        return nil
    }
}
