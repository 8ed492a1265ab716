#if canImport(Glibc)
import Glibc
#endif
import CameraImaging
import PorticoCore
import PorticoTestSupport
import Testing

/// Cameras behind the real miniupnpd router of the network lab, as on a LAN.
@Suite("Port mapping through a real router", .serialized, .tags(.lab), .enabled(if: NetworkLab.isAvailable, "needs root and miniupnpd (Tests/Lab/netlab install-deps)"))
struct MappingLabTests {
    static func profile(camera: Int, backend: String, lease: String = "60s") -> String {
        """
        name = "cam\(camera)"
        [camera]
        source = "test-pattern"
        size = "320x240"
        fps = 5
        [mapping]
        backend = "\(backend)"
        lease = "\(lease)"
        """
    }

    /// Three cameras started at once: exactly one gets 8080, the others 8081 and 8082,
    /// and from the internet each port reaches the right camera.
    func threeCameras(backend: String, prefix: String) async throws {
        let lab = try NetworkLab(prefix: prefix, cameras: 3)
        for index in 1...3 { _ = try lab.startPortico(camera: index, profile: Self.profile(camera: index, backend: backend)) }

        try await blocking {
            var names: [Int: String] = [:]
            try eventually(.seconds(20), "three cameras reachable on 8080-8082 from wan") {
                names = [:]
                for port in 8080...8082 {
                    guard let state = try lab.stateFromWAN(port: port), state.mapping?.externalPort == port else { return false }
                    names[port] = state.name
                }
                return true
            }
            #expect(Set(names.values) == ["cam1", "cam2", "cam3"])
            var holders = 0
            for port in 8080...8082 {
                let state = try #require(try lab.stateFromWAN(port: port))
                let mapping = try #require(state.mapping)
                #expect(mapping.externalURL == "http://203.0.113.10:\(port)/")
                #expect(mapping.phase == .mapped)
                if mapping.holdsFixedPort { holders += 1 }
                let snapshot = try lab.getFromWAN("http://203.0.113.10:\(port)/snapshot")
                #expect(snapshot.status == 0)
                #expect(try JPEGDecoder().size(of: snapshot.body) == FrameSize(width: 320, height: 240))
            }
            #expect(holders == 1)
        }
    }

    @Test("NAT-PMP: three cameras get 8080, 8081 and 8082, each reachable from the internet side")
    func threeCamerasNATPMP() async throws {
        try await threeCameras(backend: "natpmp", prefix: "tn-")
    }

    @Test("auto: the backends are asked at once and one that answers is used")
    func threeCamerasAuto() async throws {
        try await threeCameras(backend: "auto", prefix: "ta-")
    }

    @Test("router reboot loses every mapping: each camera is mapped again within one renewal interval")
    func routerReboot() async throws {
        let lab = try NetworkLab(prefix: "tr-", cameras: 2)
        // A 10 s lease is renewed every 5 s: the renewal after the reboot maps again.
        for index in 1...2 { _ = try lab.startPortico(camera: index, profile: Self.profile(camera: index, backend: "natpmp", lease: "10s")) }
        try await blocking {
            try eventually(.seconds(20), "both cameras mapped") {
                try lab.stateFromWAN(port: 8080) != nil && lab.stateFromWAN(port: 8081) != nil
            }
            let reboot = try lab.run(["reboot"])
            #expect(reboot.status == 0)
            #expect(try lab.getFromWAN("http://203.0.113.10:8080/state", timeout: 2).status != 0, "mappings are gone after the reboot")
            let start = ContinuousClock.now
            try eventually(.seconds(8), "both cameras reachable again") {
                try lab.stateFromWAN(port: 8080) != nil && lab.stateFromWAN(port: 8081) != nil
            }
            #expect(ContinuousClock.now - start < .seconds(6), "within one renewal interval (5 s) and a little")
        }
    }

    @Test("WAN address change: /state shows the new external address within one renewal interval")
    func wanAddressChange() async throws {
        let lab = try NetworkLab(prefix: "tw-", cameras: 1)
        _ = try lab.startPortico(camera: 1, profile: Self.profile(camera: 1, backend: "natpmp", lease: "10s"))
        try await blocking {
            try eventually(.seconds(20), "camera mapped") { try lab.stateFromWAN(port: 8080) != nil }
            #expect(try lab.stateFromWAN(port: 8080)?.mapping?.externalAddress == "203.0.113.10")
            #expect(try lab.run(["wan-addr", "203.0.113.20"]).status == 0)
            // The camera is now reached at the new address; its state must say so within
            // the lease's renewal interval (5 s, the address asked at most that often),
            // the next 1 s renewal of the fixed port, and the exchange.
            var state: StateReport?
            try eventually(.seconds(8), "new external address in /state") {
                state = try lab.stateFromWAN(port: 8080, address: "203.0.113.20", timeout: 2)
                return state?.mapping?.externalAddress == "203.0.113.20"
            }
            #expect(state?.mapping?.externalURL == "http://203.0.113.20:8080/")
            #expect(state?.mapping?.addressChanges == 1)
        }
    }
}
