import PorticoCore
import Testing

@testable import UPnPMapping

/// Root descriptions of gateways, as routers serve them, to the control URL Portico uses.
@Suite("UPnP device descriptions")
struct UPnPDescriptionTests {
    /// An IGD:1 in the style of UPnP 1.0 routers: a URLBase, absolute-path control URLs, a
    /// PPP connection listed before the IP one, and a vendor service on the root device.
    static let igd1 = """
        <?xml version="1.0"?>
        <root xmlns="urn:schemas-upnp-org:device-1-0">
          <specVersion><major>1</major><minor>0</minor></specVersion>
          <URLBase>http://192.168.1.1:49000/</URLBase>
          <device>
            <deviceType>urn:schemas-upnp-org:device:InternetGatewayDevice:1</deviceType>
            <friendlyName>Home router</friendlyName>
            <UDN>uuid:11111111-0000-0000-0000-000000000001</UDN>
            <serviceList>
              <service>
                <serviceType>urn:example-com:service:Vendor:1</serviceType>
                <serviceId>urn:example-com:serviceId:Vendor1</serviceId>
                <controlURL>/upnp/control/vendor</controlURL>
              </service>
            </serviceList>
            <deviceList>
              <device>
                <deviceType>urn:schemas-upnp-org:device:WANDevice:1</deviceType>
                <UDN>uuid:11111111-0000-0000-0000-000000000002</UDN>
                <serviceList>
                  <service>
                    <serviceType>urn:schemas-upnp-org:service:WANCommonInterfaceConfig:1</serviceType>
                    <controlURL>/upnp/control/WANCommonIFC1</controlURL>
                  </service>
                </serviceList>
                <deviceList>
                  <device>
                    <deviceType>urn:schemas-upnp-org:device:WANConnectionDevice:1</deviceType>
                    <UDN>uuid:11111111-0000-0000-0000-000000000003</UDN>
                    <serviceList>
                      <service>
                        <serviceType>urn:schemas-upnp-org:service:WANPPPConnection:1</serviceType>
                        <controlURL>/upnp/control/WANPPPConn1</controlURL>
                      </service>
                      <service>
                        <serviceType>urn:schemas-upnp-org:service:WANIPConnection:1</serviceType>
                        <controlURL>/upnp/control/WANIPConn1</controlURL>
                      </service>
                    </serviceList>
                  </device>
                </deviceList>
              </device>
            </deviceList>
          </device>
        </root>
        """

    /// An IGD:2 in the style of UPnP 1.1 (no URLBase): control URLs relative to the
    /// description's own URL, one without a leading slash, padded values, and both
    /// WANIPConnection versions.
    static let igd2 = """
        <?xml version="1.0" encoding="utf-8"?>
        <root xmlns="urn:schemas-upnp-org:device-1-0" configId="7">
        <specVersion><major>1</major><minor>1</minor></specVersion>
        <device>
        <deviceType>urn:schemas-upnp-org:device:InternetGatewayDevice:2</deviceType>
        <UDN>uuid:22222222-0000-0000-0000-000000000001</UDN>
        <deviceList><device>
        <deviceType>urn:schemas-upnp-org:device:WANDevice:2</deviceType>
        <UDN>uuid:22222222-0000-0000-0000-000000000002</UDN>
        <deviceList><device>
        <deviceType>urn:schemas-upnp-org:device:WANConnectionDevice:2</deviceType>
        <UDN>uuid:22222222-0000-0000-0000-000000000003</UDN>
        <serviceList>
        <service><serviceType>urn:schemas-upnp-org:service:WANIPConnection:1</serviceType><controlURL>/ctl/IPConn1</controlURL></service>
        <service>
          <serviceType>
            urn:schemas-upnp-org:service:WANIPConnection:2
          </serviceType>
          <controlURL>ctl/IPConn</controlURL>
        </service>
        </serviceList>
        </device></deviceList>
        </device></deviceList>
        </device>
        </root>
        """

    static let igd2Location = "http://198.51.100.1:5000/rootDesc.xml"

    @Test("IGD:1: WANIPConnection:1 is preferred over the PPP connection listed before it; URLBase is the base")
    func igd1() throws {
        let description = try DeviceDescription(parsing: Self.igd1)
        #expect(description.rootDeviceType == "urn:schemas-upnp-org:device:InternetGatewayDevice:1")
        #expect(description.urlBase == "http://192.168.1.1:49000/")
        #expect(description.udns == [
            "uuid:11111111-0000-0000-0000-000000000001", "uuid:11111111-0000-0000-0000-000000000002",
            "uuid:11111111-0000-0000-0000-000000000003",
        ])
        #expect(description.services.count == 4)
        // The description was fetched from elsewhere; URLBase still wins.
        let service = try description.wanConnection(location: "http://192.168.1.1:1900/igd.xml")
        #expect(service == WANConnectionService(
            serviceType: "urn:schemas-upnp-org:service:WANIPConnection:1",
            controlURL: "http://192.168.1.1:49000/upnp/control/WANIPConn1"))
    }

    @Test("IGD:2: WANIPConnection:2 over :1; a relative control URL resolves against the description's URL")
    func igd2() throws {
        let description = try DeviceDescription(parsing: Self.igd2)
        #expect(description.urlBase == nil)
        let service = try description.wanConnection(location: Self.igd2Location)
        #expect(service == WANConnectionService(
            serviceType: "urn:schemas-upnp-org:service:WANIPConnection:2",
            controlURL: "http://198.51.100.1:5000/ctl/IPConn"))
    }

    @Test("a DSL router with only WANPPPConnection:1 is usable")
    func pppOnly() throws {
        let text = Self.igd1.replacing("urn:schemas-upnp-org:service:WANIPConnection:1", with: "urn:example-com:service:Other:1")
        let service = try DeviceDescription(parsing: text).wanConnection(location: "http://192.168.1.1:1900/igd.xml")
        #expect(service.serviceType == "urn:schemas-upnp-org:service:WANPPPConnection:1")
        #expect(service.controlURL == "http://192.168.1.1:49000/upnp/control/WANPPPConn1")
    }

    @Test("control URLs: absolute ones are kept, relative ones resolve like a browser's", arguments: [
        ("http://10.0.0.138:2869/upnphost/udhisapi.dll?control=uuid:ab", "http://10.0.0.138:2869/upnphost/udhisapi.dll?control=uuid:ab"),
        ("/ctl/IPConn", "http://198.51.100.1:5000/ctl/IPConn"),
        ("ctl/IPConn", "http://198.51.100.1:5000/ctl/IPConn"),
        ("../ctl/IPConn", "http://198.51.100.1:5000/ctl/IPConn"),
        ("//198.51.100.1:6000/ctl", "http://198.51.100.1:6000/ctl"),
    ])
    func controlURLs(controlURL: String, expected: String) throws {
        let text = Self.igd2.replacing("<controlURL>ctl/IPConn</controlURL>", with: "<controlURL>\(controlURL)</controlURL>")
        let service = try DeviceDescription(parsing: text).wanConnection(location: Self.igd2Location)
        #expect(service.controlURL == expected)
    }

    @Test("relative control URLs against a description in a subfolder")
    func subfolder() {
        #expect(DeviceDescription.resolve("WANIPConn1", against: "http://192.168.0.1:80/igd/desc.xml") == "http://192.168.0.1:80/igd/WANIPConn1")
        #expect(DeviceDescription.resolve("/WANIPConn1", against: "http://192.168.0.1:80/igd/desc.xml") == "http://192.168.0.1:80/WANIPConn1")
    }

    @Test("a gateway without a WAN connection service is refused, naming what it offers")
    func noWANService() throws {
        let text = Self.igd2.replacing("WANIPConnection", with: "WANIPv6FirewallControl")
        let error = try #require(throws: MappingError.self) {
            try DeviceDescription(parsing: text).wanConnection(location: Self.igd2Location)
        }
        #expect(error.code == .refused)
        #expect(error.message.contains("offers no WANIPConnection or WANPPPConnection"))
        #expect(error.message.contains("WANIPv6FirewallControl:1"))
    }

    @Test("broken descriptions are malformed replies with a reason", arguments: [
        ("<root><device>", "not well-formed XML"),
        ("", "not well-formed XML"),
        ("<html><body>Login</body></html>", "starts with <html>, not <root>"),
        ("<root><specVersion/></root>", "has no <device>"),
    ])
    func brokenDescriptions(text: String, reason: String) throws {
        let error = try #require(throws: MappingError.self) { try DeviceDescription(parsing: text) }
        #expect(error.code == .malformedReply)
        #expect(error.message.contains(reason), "\(error)")
    }

    @Test("a usable service with a missing or non-HTTP control URL is a malformed reply")
    func badControlURL() throws {
        for replacement in ["<controlURL></controlURL>", "<controlURL>https://198.51.100.1/ctl</controlURL>"] {
            let text = Self.igd2
                .replacing("<controlURL>ctl/IPConn</controlURL>", with: replacement)
            let error = try #require(throws: MappingError.self) {
                try DeviceDescription(parsing: text).wanConnection(location: Self.igd2Location)
            }
            #expect(error.code == .malformedReply, "\(replacement): \(error)")
        }
    }

    @Test("XML: local names without prefixes, CDATA and padding; nesting and size are bounded")
    func xmlTree() throws {
        let element = try XMLElement(parsing: """
            <s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>
            <u:X xmlns:u="urn:x"><A>  one </A><B><![CDATA[a<b]]></B><C/></u:X></s:Body></s:Envelope>
            """)
        let x = try #require(element.child("Body")?.child("X"))
        #expect(x.children.map(\.name) == ["A", "B", "C"])
        #expect(x.child("A")?.text == "one")
        #expect(x.child("B")?.text == "a<b")
        #expect(x.child("C")?.text == "")

        let deep = String(repeating: "<a>", count: 100) + String(repeating: "</a>", count: 100)
        #expect(throws: XMLElement.ParseError.self) { try XMLElement(parsing: deep) }
        let wide = "<r>" + String(repeating: "<a/>", count: XMLElement.maximumElements + 1) + "</r>"
        #expect(throws: XMLElement.ParseError.self) { try XMLElement(parsing: wide) }
    }
}
