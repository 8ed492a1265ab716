#if canImport(Glibc)
import Glibc
#endif
import PorticoTestSupport
import Testing

/// The systemd units the image carries, checked by systemd itself.
@Suite("systemd unit files")
struct UnitFileTests {
    static let analyze = "/usr/bin/systemd-analyze"

    /// Every unit under `rootfs/` and the boards' `board/*/rootfs/` (networkd's files are not units).
    static func units() throws -> [String] {
        let found = try Subprocess.run(
            [Repository.root, "-path", "*/rootfs/etc/systemd/system/*", "(", "-name", "*.service", "-o", "-name", "*.socket",
             "-o", "-name", "*.timer", "-o", "-name", "*.path", "-o", "-name", "*.target", ")", "-not", "-path", "*/.build*"],
            executable: "/usr/bin/find")
        return found.output.split(separator: "\n").map(String.init).sorted()
    }

    @Test("systemd-analyze verify passes on every unit file under rootfs/, in a root laid out as the image's",
          .enabled(if: access(analyze, X_OK) == 0 && access("/usr/bin/kill", X_OK) == 0,
                   "systemd-analyze or kill is not installed (Debian packages systemd and procps; scripts/setup installs them)"))
    func verify() throws {
        let units = try Self.units()
        #expect(units.contains { $0.hasSuffix("/rootfs/etc/systemd/system/portico.service") }, "\(units)")
        // The image's root: the common rootfs, each board's over it, systemd's own units (the
        // targets ours are ordered against) and the programs the units run (portico, kill, sh), so verify checks
        // what a board would run rather than what this machine has installed.
        var template = Array("/tmp/portico-units-XXXXXX".utf8CString)
        guard template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) != nil else { throw TestFailure("mkdtemp failed") }
        let root = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        defer { _ = try? Subprocess.run(["-rf", root], executable: "/bin/rm") }
        let layout = """
            set -e
            cp -a "$1/rootfs/." "$2/"
            for board in "$1"/board/*/rootfs; do [ -d "$board" ] && cp -a "$board/." "$2/"; done
            mkdir -p "$2/usr/lib/systemd" "$2/usr/bin"
            cp -a /usr/lib/systemd/system "$2/usr/lib/systemd/"
            cp "$3" "$2/usr/bin/portico"
            cp /usr/bin/kill "$2/usr/bin/kill"
            cp /usr/bin/dash "$2/usr/bin/sh"
            """
        let laid = try Subprocess.run(["-c", layout, "layout", Repository.root, root, Repository.executable], executable: "/bin/sh")
        #expect(laid.status == 0, "\(laid.error)")
        let names = units.map { String($0.split(separator: "/").last!) }
        let verify = try Subprocess.run(["verify", "--root=\(root)"] + names, executable: Self.analyze, timeout: .seconds(60))
        #expect(verify.status == 0, "\(verify.output)\(verify.error)")
        #expect(verify.output.isEmpty && verify.error.isEmpty, "no warnings either: \(verify.output)\(verify.error)")
    }

    @Test("the unit reloads with SIGHUP, keeps its settings in the configuration directory and opens only the address families Portico uses")
    func settings() throws {
        let unit = try Repository.read("rootfs/etc/systemd/system/portico.service")
        let lines = Set(unit.split(separator: "\n").map(String.init))
        for line in ["ExecReload=kill -HUP $MAINPID", "ConfigurationDirectory=portico", "ExecStart=/usr/bin/portico run",
                     "RestrictAddressFamilies=AF_UNIX AF_INET AF_NETLINK", "Type=notify", "StateDirectory=portico"] {
            #expect(lines.contains(line), "\(line) in portico.service")
        }
    }
}
