/// Decides when the gateway has restarted, so registration maps again at once instead of
/// waiting for a renewal to find its mapping gone.
///
/// libupnp 1.8.4 does not hand `BOOTID.UPNP.ORG` to control points (its discovery event
/// has no such field), so three other signs are used:
/// - an `ssdp:byebye` from one of the gateway's devices followed by an `ssdp:alive`
///   (what a router sends when its UPnP daemon restarts);
/// - an `ssdp:alive` announcing another description LOCATION, or a rediscovered gateway
///   with other UDNs (a new router, or one that came back on another port);
/// - the uptime from `GetStatusInfo` saying the gateway came up later than it did before,
///   checked when a gateway is found and on its periodic `ssdp:alive`. This catches a
///   power cut, where no byebye is ever sent.
///
/// Advertisements are unauthenticated multicast that any device on the LAN can send, so
/// they are believed only as far as a spoofer cannot turn them into work: one naming
/// another host than the gateway's is ignored, and they count as a restart at most once
/// every `minimumRestartInterval`. A restart advertised sooner is not lost but deferred
/// to the end of the interval (`deferred(at:)`), so a router that really restarts twice
/// in a row is mapped again both times, while a flood of forged byebye/alive pairs costs
/// one mapping exchange per interval.
///
/// Pure: times are durations since any fixed origin, and the owner carries out the checks.
struct RouterRestartDetector: Sendable, Equatable {
    private(set) var generation = 0
    private var byebyeSeen = false
    /// When the gateway came up, by its last reported uptime.
    private var bootedAt: Duration?
    private var lastUptimeCheck: Duration?
    private var udns: Set<String> = []
    /// When an advertisement last counted as a restart.
    private var lastAdvertisedRestart: Duration?
    /// A restart advertised within the interval, waiting for its end; whether the gateway moved.
    private var deferredRestart: Bool?

    /// Uptime is reported in whole seconds and read over a network: a later boot by less
    /// than this is noise.
    static let uptimeSlack: Duration = .seconds(10)
    /// How often an `ssdp:alive` (sent every minute or so per device) triggers an uptime check.
    static let uptimeCheckInterval: Duration = .seconds(30)
    /// Advertisements count as a restart at most this often.
    static let minimumRestartInterval: Duration = .seconds(2)

    enum Decision: Sendable, Equatable {
        case nothing
        /// Ask for `GetStatusInfo` and report the uptime with `uptime(_:at:)`.
        case checkUptime
        /// The generation went up; `forgetGateway` when its description moved.
        case restarted(forgetGateway: Bool)
        /// A restart too soon after the last: call `deferred(at:)` at this time.
        case deferUntil(Duration)
    }

    init() {}

    /// A gateway was found by a search. Returns true when it is another device than before.
    mutating func found(udns newUDNs: Set<String>) -> Bool {
        defer { udns = newUDNs }
        guard !udns.isEmpty, udns.isDisjoint(with: newUDNs) else { return false }
        restart()
        return true
    }

    /// An advertisement from `udn`; ignored unless it is one of the gateway's devices.
    mutating func advertisement(alive: Bool, udn: String, location: String, gatewayLocation: String?, at now: Duration) -> Decision {
        guard udns.contains(udn) else { return .nothing }
        if let gatewayLocation, !location.isEmpty, Self.host(of: location) != Self.host(of: gatewayLocation) { return .nothing }
        guard alive else {
            byebyeSeen = true
            return .nothing
        }
        let moved = gatewayLocation.map { !location.isEmpty && location != $0 } ?? false
        if moved || byebyeSeen {
            byebyeSeen = false
            if let last = lastAdvertisedRestart, now - last < Self.minimumRestartInterval {
                let first = deferredRestart == nil
                deferredRestart = (deferredRestart ?? false) || moved
                return first ? .deferUntil(last + Self.minimumRestartInterval) : .nothing
            }
            restart()
            lastAdvertisedRestart = now
            return .restarted(forgetGateway: moved)
        }
        if let last = lastUptimeCheck, now - last < Self.uptimeCheckInterval { return .nothing }
        lastUptimeCheck = now
        return .checkUptime
    }

    /// The end of the interval a restart was deferred to (`Decision.deferUntil`).
    mutating func deferred(at now: Duration) -> Decision {
        guard let moved = deferredRestart else { return .nothing }
        deferredRestart = nil
        restart()
        lastAdvertisedRestart = now
        return .restarted(forgetGateway: moved)
    }

    /// The gateway reported `seconds` of uptime at `now`. Returns true when that means it
    /// restarted since the last report.
    mutating func uptime(_ seconds: Int, at now: Duration) -> Bool {
        let booted = now - .seconds(seconds)
        defer { bootedAt = booted }
        guard let previous = bootedAt, booted > previous + Self.uptimeSlack else { return false }
        generation += 1
        byebyeSeen = false
        return true
    }

    private mutating func restart() {
        generation += 1
        byebyeSeen = false
        // The next uptime report is the new baseline, not a comparison with the old boot.
        bootedAt = nil
        lastUptimeCheck = nil
    }

    /// The host of an `http://HOST[:PORT]/…` LOCATION; the whole text when it has no scheme.
    static func host(of location: String) -> Substring {
        let utf8 = location.utf8
        guard let start = utf8.indices.first(where: { utf8[$0...].starts(with: "://".utf8) }) else { return location[...] }
        return location[utf8.index(start, offsetBy: 3)...].prefix { $0 != ":" && $0 != "/" }
    }
}
