import Testing

@testable import UPnPMapping

/// When the UPnP backend decides that the router restarted, in virtual time.
@Suite("UPnP router restart detection")
struct UPnPRestartTests {
    static let root = "uuid:5a1e0c2b-7f3d-4e6a-9b1c-0123456789ab"
    static let connection = "uuid:5a1e0c2b-7f3d-4e6a-9b1c-0123456789ad"
    static let location = "http://198.51.100.1:5000/rootDesc.xml"

    static func detector() -> RouterRestartDetector {
        var detector = RouterRestartDetector()
        #expect(detector.found(udns: [root, connection]) == false, "the first gateway is no restart")
        #expect(detector.uptime(100, at: .seconds(5)) == false, "the first uptime is the baseline")
        return detector
    }

    @Test("byebye then alive (a daemon restart) counts once, however many devices announce it")
    func byebyeAlive() {
        var detector = Self.detector()
        for udn in [Self.root, Self.connection] {
            #expect(detector.advertisement(alive: false, udn: udn, location: "", gatewayLocation: Self.location, at: .seconds(10)) == .nothing)
        }
        #expect(detector.advertisement(alive: true, udn: Self.connection, location: Self.location, gatewayLocation: Self.location, at: .seconds(10))
                == .restarted(forgetGateway: false))
        #expect(detector.generation == 1)
        for udn in [Self.root, Self.connection, Self.root] {
            #expect(detector.advertisement(alive: true, udn: udn, location: Self.location, gatewayLocation: Self.location, at: .seconds(10)) != .restarted(forgetGateway: false))
        }
        #expect(detector.generation == 1)
        // The uptime read after the restart is the new baseline, not a second restart.
        #expect(detector.uptime(0, at: .seconds(11)) == false)
        #expect(detector.generation == 1)
    }

    @Test("other devices' announcements are ignored")
    func otherDevices() {
        var detector = Self.detector()
        #expect(detector.advertisement(alive: false, udn: "uuid:printer", location: "", gatewayLocation: Self.location, at: .seconds(10)) == .nothing)
        #expect(detector.advertisement(alive: true, udn: "uuid:printer", location: "http://198.51.100.50/d.xml", gatewayLocation: Self.location, at: .seconds(10)) == .nothing)
        #expect(detector.generation == 0)
    }

    @Test("an alive from a new location: restarted, and the cached gateway is stale")
    func moved() {
        var detector = Self.detector()
        #expect(detector.advertisement(alive: true, udn: Self.root, location: "http://198.51.100.1:40123/rootDesc.xml", gatewayLocation: Self.location, at: .seconds(10))
                == .restarted(forgetGateway: true))
        #expect(detector.generation == 1)
    }

    @Test("periodic alives ask for the uptime at most every 30 s; an uptime that went back is a restart (power cut, no byebye)")
    func uptime() {
        var detector = Self.detector()
        #expect(detector.advertisement(alive: true, udn: Self.root, location: Self.location, gatewayLocation: Self.location, at: .seconds(40)) == .checkUptime)
        #expect(detector.uptime(135, at: .seconds(40)) == false, "booted at -95 s, as before (within the slack)")
        #expect(detector.advertisement(alive: true, udn: Self.root, location: Self.location, gatewayLocation: Self.location, at: .seconds(60)) == .nothing)
        #expect(detector.advertisement(alive: true, udn: Self.root, location: Self.location, gatewayLocation: Self.location, at: .seconds(71)) == .checkUptime)
        #expect(detector.uptime(3, at: .seconds(71)) == true, "booted at 68 s: it restarted")
        #expect(detector.generation == 1)
        #expect(detector.uptime(33, at: .seconds(101)) == false)
        #expect(detector.generation == 1)
    }

    @Test("a gateway found again with other devices is another router")
    func replaced() {
        var detector = Self.detector()
        #expect(detector.found(udns: [Self.root, Self.connection]) == false)
        #expect(detector.found(udns: ["uuid:new-router"]) == true)
        #expect(detector.generation == 1)
    }

    @Test("forged advertisements: another host's LOCATION is ignored; a flood counts once every 2 s, the rest deferred to the interval's end")
    func forged() {
        var detector = Self.detector()
        // A LAN device announcing the router's UDNs at its own address.
        #expect(detector.advertisement(alive: false, udn: Self.root, location: "http://198.51.100.66:5000/rootDesc.xml", gatewayLocation: Self.location, at: .seconds(10)) == .nothing)
        #expect(detector.advertisement(alive: true, udn: Self.root, location: "http://198.51.100.66:5000/rootDesc.xml", gatewayLocation: Self.location, at: .seconds(10)) == .nothing)
        #expect(detector.generation == 0)
        // byebye/alive pairs at the router's own address, 100 a second for 30 s; the owner
        // calls deferred(at:) when asked to.
        var restarts = 0
        var due: Duration?
        for tick in 0..<3000 {
            let now = Duration.seconds(20) + .milliseconds(tick * 10)
            if let at = due, now >= at {
                due = nil
                if case .restarted = detector.deferred(at: now) { restarts += 1 }
            }
            _ = detector.advertisement(alive: false, udn: Self.root, location: Self.location, gatewayLocation: Self.location, at: now)
            switch detector.advertisement(alive: true, udn: Self.root, location: Self.location, gatewayLocation: Self.location, at: now) {
            case .restarted: restarts += 1
            case .deferUntil(let at): due = at
            default: break
            }
        }
        #expect(restarts == 15, "one every 2 s over 30 s, not 3000")
        #expect(detector.generation == 15)
    }

    @Test("a real restart soon after another is deferred, not lost")
    func restartTwice() {
        var detector = Self.detector()
        _ = detector.advertisement(alive: false, udn: Self.root, location: "", gatewayLocation: Self.location, at: .seconds(10))
        #expect(detector.advertisement(alive: true, udn: Self.root, location: Self.location, gatewayLocation: Self.location, at: .seconds(10)) == .restarted(forgetGateway: false))
        _ = detector.advertisement(alive: false, udn: Self.root, location: "", gatewayLocation: Self.location, at: .milliseconds(10_800))
        #expect(detector.advertisement(alive: true, udn: Self.root, location: Self.location, gatewayLocation: Self.location, at: .milliseconds(10_800)) == .deferUntil(.seconds(12)))
        #expect(detector.generation == 1)
        #expect(detector.deferred(at: .seconds(12)) == .restarted(forgetGateway: false))
        #expect(detector.generation == 2)
        #expect(detector.deferred(at: .seconds(13)) == .nothing, "once")
    }
}
