#if canImport(Glibc)
import Glibc
#endif
import CompiledInPlugins
import PorticoTestSupport
import PorticoCore
import Testing

/// Which pieces a new profile restarts, from the two profiles alone.
@Suite("Reload plans")
struct ReloadPlanTests {
    static func load(_ text: String) throws -> Profile {
        try ProfileLoader(registry: CompiledInPlugins.registry).load(text: text, file: "test.toml")
    }

    static let base = """
        name = "porch"
        [http]
        port = 8080
        [camera]
        source = "test-pattern"
        size = "320x240"
        fps = 5
        [mapping]
        backend = "natpmp"
        """

    static func plan(_ old: String, _ new: String, override: Int? = nil) throws -> ReloadPlan {
        ReloadPlan.between(try load(old), try load(new), httpPortOverride: override)
    }

    @Test("the same values written otherwise (comments, order, blank lines) change nothing")
    func unchanged() throws {
        let reordered = """
            # the porch camera
            name = "porch"

            [camera]
            fps = 5            # slow
            size = "320x240"
            source = "test-pattern"
            [mapping]
            backend = "natpmp"
            [http]
            port = 8080
            """
        let plan = try Self.plan(Self.base, reordered)
        #expect(plan.changesNothing)
        #expect(plan.changedSections.isEmpty)
        #expect(plan.summary == "no section changed: nothing restarts")
    }

    @Test("a changed [camera] restarts the camera alone: the web server and the mapping run on")
    func camera() throws {
        let plan = try Self.plan(Self.base, Self.base.replacing("fps = 5", with: "fps = 10"))
        #expect(plan.changedSections == ["camera"])
        #expect(plan.restarts == [.camera])
        #expect(!plan.readsNameAgain)
        #expect(plan.summary == "[camera] changed: restarting camera")
    }

    @Test("a camera added or removed restarts the web server too (it serves the camera's frames)")
    func cameraPresence() throws {
        let without = Self.base.replacing("[camera]\nsource = \"test-pattern\"\nsize = \"320x240\"\nfps = 5\n", with: "")
        #expect(!without.contains("[camera]"))
        #expect(try Self.plan(Self.base, without).restarts == [.camera, .web])
        #expect(try Self.plan(without, Self.base).restarts == [.camera, .web])
        // With --http-port 0 the new web server listens elsewhere: the mapping follows it.
        #expect(try Self.plan(without, Self.base, override: 0).restarts == [.camera, .web, .mapping])
    }

    @Test("[http]: the web server; the mapping only when the port it forwards to moves")
    func http() throws {
        let views = Self.base.replacing("port = 8080", with: "port = 8080\nviews = \"admin\"")
        #expect(try Self.plan(Self.base, views).restarts == [.web])
        let port = Self.base.replacing("port = 8080", with: "port = 8090")
        #expect(try Self.plan(Self.base, port).restarts == [.web, .mapping])
        // --http-port 8080 holds over both profiles: the port does not move.
        #expect(try Self.plan(Self.base, port, override: 8080).restarts == [.web])
    }

    @Test("[mapping] or [election] restart the mapping; the top-level keys the mapping and pan/tilt, and the name is read again")
    func mappingAndName() throws {
        #expect(try Self.plan(Self.base, Self.base.replacing("backend = \"natpmp\"", with: "backend = \"natpmp\"\nlease = \"2h\"")).restarts == [.mapping])
        let renamed = try Self.plan(Self.base, Self.base.replacing("name = \"porch\"", with: "name = \"garage\""))
        #expect(renamed.changedSections == [""])
        #expect(renamed.restarts == [.panTilt, .mapping])
        #expect(renamed.readsNameAgain)
        #expect(renamed.summary == "the top-level keys changed: restarting pan/tilt, mapping")
    }

    /// `base` in a site; the key is read when the profile is.
    static func site(key: String) -> String {
        base + """

            [election]
            policy = "port-order"
            key_file = "\(key)"
            """
    }


    @Test("[mapping] or [election] restart the web server too when, and only when, it must listen otherwise: the fixed port's own listener")
    func fixedPortListener() throws {
        let key = try temporaryProfile("site-key-for-the-reload-plan-tests\n")
        defer { unlink(key) }
        let site = Self.site(key: key)
        let upnp = site.replacing("backend = \"natpmp\"", with: "backend = \"upnp\"")
        // NAT-PMP keeps one mapping per internal port: in a site the fixed port forwards
        // to a second listener, which UPnP does without.
        let toNATPMP = try Self.plan(upnp, site)
        #expect(toNATPMP.changedSections == ["mapping"])
        #expect(toNATPMP.restarts == [.web, .mapping])
        #expect(toNATPMP.summary == "[mapping] changed: restarting web server, mapping")
        #expect(try Self.plan(site, upnp).restarts == [.web, .mapping])
        // "auto" may choose NAT-PMP: it keeps the listener, like NAT-PMP itself.
        #expect(try Self.plan(site, site.replacing("backend = \"natpmp\"", with: "backend = \"auto\"")).restarts == [.mapping])
        // Without [election] the board maps its own port only: no second listener either way.
        #expect(try Self.plan(Self.base.replacing("backend = \"natpmp\"", with: "backend = \"upnp\""), Self.base).restarts == [.mapping])
        // Joining a site over NAT-PMP needs the listener; over UPnP it does not.
        #expect(try Self.plan(Self.base, site).restarts == [.web, .mapping])
        let upnpAlone = Self.base.replacing("backend = \"natpmp\"", with: "backend = \"upnp\"")
        #expect(try Self.plan(upnpAlone, upnp).restarts == [.mapping])
        // A lease or a policy changes nothing the web server listens on.
        #expect(try Self.plan(site, site.replacing("backend = \"natpmp\"", with: "backend = \"natpmp\"\nlease = \"2h\"")).restarts == [.mapping])
        #expect(try Self.plan(site, site.replacing("port-order", with: "first-come")).restarts == [.mapping])
        // With --http-port 0 the new web server's port is another: the mapping follows it anyway.
        #expect(try Self.plan(upnp, site, override: 0).restarts == [.web, .mapping])
    }

    @Test("what else the web server takes from [mapping] and [election] restarts it too: the LAN interface, the directory's refresh")
    func otherWebInputs() throws {
        let key = try temporaryProfile("site-key-for-the-reload-plan-tests\n")
        defer { unlink(key) }
        let site = Self.site(key: key)
        let interface = site.replacing("backend = \"natpmp\"", with: "backend = \"natpmp\"\ninterface = \"eth1\"")
        #expect(try Self.plan(site, interface).restarts == [.web, .mapping])
        let inquiry = site.replacing("policy = \"port-order\"", with: "policy = \"port-order\"\ninquiry = \"3s\"")
        #expect(try Self.plan(site, inquiry).restarts == [.web, .mapping])
        // Past the refresh's bounds (0.5 s to 10 s) the page reads the same: nothing for the web server.
        let slow = site.replacing("policy = \"port-order\"", with: "policy = \"port-order\"\ninquiry = \"20s\"")
        let slower = site.replacing("policy = \"port-order\"", with: "policy = \"port-order\"\ninquiry = \"30s\"")
        #expect(try Self.plan(slow, slower).restarts == [.mapping])
    }

    @Test("several sections at once: each piece once, in the order they are replaced")
    func several() throws {
        let new = Self.base.replacing("fps = 5", with: "fps = 10").replacing("port = 8080", with: "port = 8081")
            .replacing("backend = \"natpmp\"", with: "backend = \"upnp\"")
        let plan = try Self.plan(Self.base, new)
        #expect(plan.changedSections == ["camera", "http", "mapping"])
        #expect(plan.restarts == [.camera, .web, .mapping])
    }
}
