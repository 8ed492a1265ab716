import CUPnP
import PorticoCore

/// The WAN connection service of a gateway: where its port-mapping actions are sent.
struct WANConnectionService: Sendable, Equatable {
    /// e.g. `urn:schemas-upnp-org:service:WANIPConnection:2`; sent as the SOAPAction's namespace.
    let serviceType: String
    /// Absolute `http://` URL.
    let controlURL: String
}

/// What Portico needs from an InternetGatewayDevice's root description.
struct DeviceDescription: Sendable, Equatable {
    struct Service: Sendable, Equatable {
        let serviceType: String
        /// As written, possibly relative.
        let controlURL: String
    }

    let rootDeviceType: String
    /// Every device's UDN in the tree: a router announces `ssdp:byebye`/`ssdp:alive` for
    /// its embedded devices too, under their own UDNs.
    let udns: [String]
    let urlBase: String?
    /// Every service of every device, depth first in document order.
    let services: [Service]

    /// The WAN connection services Portico can use, most preferred first. IGD:2's
    /// WANIPConnection:2 first; WANPPPConnection:1 last (DSL routers offer it next to, or
    /// instead of, WANIPConnection); both define the same port-mapping actions.
    static let usableServiceTypes = [
        "urn:schemas-upnp-org:service:WANIPConnection:2",
        "urn:schemas-upnp-org:service:WANIPConnection:1",
        "urn:schemas-upnp-org:service:WANPPPConnection:1",
    ]

    /// Devices nest three deep in an IGD (root, WANDevice, WANConnectionDevice); anything
    /// much deeper is not a gateway description.
    static let maximumDeviceDepth = 8

    init(parsing text: String) throws(MappingError) {
        let root: XMLElement
        do {
            root = try XMLElement(parsing: text)
        } catch {
            throw MappingError(.malformedReply, message: "the gateway's description is \(error)")
        }
        try self.init(root)
    }

    init(_ root: XMLElement) throws(MappingError) {
        guard root.name == "root" else {
            throw MappingError(.malformedReply, message: "the gateway's description starts with <\(root.name.prefix(60))>, not <root>")
        }
        guard let device = root.child("device") else {
            throw MappingError(.malformedReply, message: "the gateway's description has no <device>")
        }
        let base = root.child("URLBase")?.text ?? ""
        urlBase = base.isEmpty ? nil : base
        rootDeviceType = device.child("deviceType")?.text ?? ""
        var udns: [String] = []
        var services: [Service] = []
        var pending: [(device: XMLElement, depth: Int)] = [(device, 0)]
        // Depth first, in document order, without recursion.
        while let (current, depth) = pending.popLast() {
            if let udn = current.child("UDN")?.text, !udn.isEmpty { udns.append(udn) }
            for service in current.child("serviceList")?.children("service") ?? [] {
                let type = service.child("serviceType")?.text ?? ""
                let control = service.child("controlURL")?.text ?? ""
                if !type.isEmpty { services.append(Service(serviceType: type, controlURL: control)) }
            }
            guard depth < Self.maximumDeviceDepth else { continue }
            let embedded = current.child("deviceList")?.children("device") ?? []
            pending.append(contentsOf: embedded.reversed().map { ($0, depth + 1) })
        }
        self.udns = udns
        self.services = services
    }

    /// The preferred usable service with its control URL made absolute: against
    /// `URLBase` when the description has one (UPnP 1.0), else against the URL the
    /// description was fetched from (UPnP 1.1 drops URLBase).
    func wanConnection(location: String) throws(MappingError) -> WANConnectionService {
        let candidates = Self.usableServiceTypes.flatMap { type in services.filter { $0.serviceType == type } }
        guard let service = candidates.first else {
            let offered = services.map(\.serviceType).joined(separator: ", ")
            throw MappingError(.refused, message: "the gateway at \(location) offers no WANIPConnection or WANPPPConnection service (it offers: \(offered.isEmpty ? "none" : offered)); port mapping is not possible through it")
        }
        guard !service.controlURL.isEmpty else {
            throw MappingError(.malformedReply, message: "the gateway's \(service.serviceType) has no controlURL")
        }
        let base = urlBase ?? location
        guard let absolute = Self.resolve(service.controlURL, against: base) else {
            throw MappingError(.malformedReply, message: "the gateway's controlURL '\(service.controlURL.prefix(100))' does not resolve against '\(base.prefix(100))'")
        }
        guard absolute.lowercased().hasPrefix("http://") else {
            throw MappingError(.malformedReply, message: "the gateway's control URL '\(absolute.prefix(100))' is not an http:// URL; libupnp speaks plain HTTP only")
        }
        return WANConnectionService(serviceType: service.serviceType, controlURL: absolute)
    }

    /// RFC 2396 resolution, as libupnp does it for its own device descriptions.
    static func resolve(_ relative: String, against base: String) -> String? {
        var absolute: UnsafeMutablePointer<CChar>?
        guard UpnpResolveURL2(base, relative, &absolute) == UPNP_E_SUCCESS, let absolute else { return nil }
        defer { free(absolute) }
        return String(cString: absolute)
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
