@testable import PorticoCore
import Testing

@Suite("Administration from the LAN only, or from anywhere")
struct AdminReachTests {
    @Test("the LAN is loopback and the interface's subnet; anywhere admits all")
    func decision() {
        let subnets = [IPv4Subnet.loopback, IPv4Subnet("192.168.1.0/24")!]
        let lan = AdminReach(from: .lan, lan: { subnets })
        for inside in ["127.0.0.1", "127.9.9.9", "192.168.1.1", "192.168.1.254", "::ffff:192.168.1.7"] {
            #expect(lan.admits(inside), "\(inside)")
        }
        for outside in ["192.168.2.1", "10.0.0.1", "203.0.113.9", "::1", "fe80::1", "", "1.2.3", "192.168.1.256", nil] as [String?] {
            #expect(!lan.admits(outside), "\(String(describing: outside))")
        }
        let anywhere = AdminReach(from: .anywhere, lan: { subnets })
        #expect(anywhere.admits("203.0.113.9") && anywhere.admits(nil))
        #expect(AdminReach.refusal.contains(#"admin_from = "anywhere""#))
    }

    @Test("subnets parse and contain by prefix")
    func subnets() {
        #expect(IPv4Subnet("10.1.2.3/8") == IPv4Subnet(address: 0x0a00_0000, prefixLength: 8))
        #expect(IPv4Subnet("10.1.2.3/8")?.description == "10.0.0.0/8")
        #expect(IPv4Subnet("0.0.0.0/0")?.contains("8.8.8.8") == true)
        #expect(IPv4Subnet("127.0.0.1/32")?.contains("127.0.0.2") == false)
        #expect(IPv4Subnet("100.64.0.0/10")?.contains("100.127.255.255") == true)
        #expect(IPv4Subnet("100.64.0.0/10")?.contains("100.128.0.0") == false)
        for bad in ["10.0.0.0", "10.0.0.0/33", "10.0.0.0/-1", "10.0.0/8", "/8", "10.0.0.0/8/8", "10.0.0.0/"] {
            #expect(IPv4Subnet(bad) == nil, "\(bad)")
        }
    }

    @Test("the kernel's netmask of the loopback interface is read as 127.0.0.0/8")
    func kernelSubnets() {
        #expect(NetworkInterface.ipv4Subnets(of: "lo").contains(IPv4Subnet.loopback))
        #expect(NetworkInterface.ipv4Subnets().contains(IPv4Subnet.loopback))
        #expect(NetworkInterface.ipv4Subnets(of: "no-such-interface").isEmpty)
    }

    @Test("admin_from is checked like every other key")
    func profileKey() throws {
        let loader = ProfileLoader(registry: PluginRegistry())
        #expect(try loader.load(text: "name = \"a\"\n", file: "p.toml").http.adminFrom == .lan)
        #expect(try loader.load(text: "name = \"a\"\n[http]\nadmin_from = \"anywhere\"\n", file: "p.toml").http.adminFrom == .anywhere)
        do {
            _ = try loader.load(text: "name = \"a\"\n[http]\nadmin_from = \"internet\"\n", file: "p.toml")
            Issue.record("accepted admin_from = internet")
        } catch {
            let text = "\(error)"
            #expect(text.contains("p.toml:3:") && text.contains("http.admin_from"), "\(text)")
            #expect(text.contains("\"lan\"") && text.contains("\"anywhere\""), "\(text)")
        }
    }
}
