@testable import PorticoCore
import Testing

@Suite("The board's network interfaces")
struct NetworkInterfaceTests {
    /// `/proc/net/route` of a camera on 198.51.100.0/24 behind 198.51.100.1, with a second
    /// interface whose default route is not the camera's LAN.
    static let routes = """
        Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT
        wlan0\t00000000\t0100000A\t0003\t0\t0\t600\t00000000\t0\t0\t0
        eth0\t00000000\t016433C6\t0003\t0\t0\t0\t00000000\t0\t0\t0
        eth0\t006433C6\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0

        """

    @Test("the default route's gateway of the named interface, in dotted form")
    func defaultGateway() {
        #expect(NetworkInterface.defaultGateway(of: "eth0", routeTable: Self.routes) == "198.51.100.1")
        #expect(NetworkInterface.defaultGateway(of: "wlan0", routeTable: Self.routes) == "10.0.0.1")
    }

    @Test("no default route, a route without the gateway flag, or a garbled table: no gateway")
    func noGateway() {
        #expect(NetworkInterface.defaultGateway(of: "eth1", routeTable: Self.routes) == nil)
        let direct = "Iface\tDestination\tGateway\tFlags\neth0\t00000000\t016433C6\t0001\n"
        #expect(NetworkInterface.defaultGateway(of: "eth0", routeTable: direct) == nil)
        #expect(NetworkInterface.defaultGateway(of: "eth0", routeTable: "Iface\neth0\t00000000\tZZZZ\t0003\n") == nil)
        #expect(NetworkInterface.defaultGateway(of: "eth0", routeTable: "") == nil)
    }
}
