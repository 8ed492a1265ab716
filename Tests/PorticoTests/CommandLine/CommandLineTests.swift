#if canImport(Glibc)
import Glibc
#endif
import FoundationEssentials
import PorticoCore
import PorticoTestSupport
import Testing

/// The executable as a board engineer uses it. Serialized: these start processes and
/// bind ports, and two cores are shared with the rest of the suite.
@Suite("portico command line", .serialized)
struct CommandLineTests {
    @Test("probe on board/sim: every section reported, exit 0")
    func probeGood() throws {
        let result = try Subprocess.run(["probe", "--profile", Repository.path("board/sim")])
        #expect(result.status == 0, "\(result.error)")
        #expect(result.output.contains("[camera]: starts test-pattern: 640x480 at 15 fps, JPEG quality 80"))
        #expect(result.output.contains("[mapping]: nothing starts (no [mapping] section in"))
        #expect(result.output.contains("[switch]: nothing starts"))
        #expect(result.output.contains("profile is valid"))
    }

    @Test("probe and run of a board whose GPIO chip is not here: exit 2, naming the profile line of each chip",
          .enabled(if: !VirtualBoard.isInside, "the virtual board has the chip"))
    func missingChip() throws {
        let board = Repository.path("board/virtual")
        let probe = try Subprocess.run(["probe", "--profile", board])
        #expect(probe.status == 2)
        #expect(probe.error.contains("profile.toml:34:8: pan_tilt.chip: cannot open GPIO chip 'portico-sim'"), "\(probe.error)")
        #expect(probe.error.contains("profile.toml:51:8: switch.chip: cannot open GPIO chip 'portico-sim'"), "\(probe.error)")
        let run = try Subprocess.run(["run", "--profile", board, "--http-port", "0"], timeout: .seconds(20))
        #expect(run.status == 2)
        #expect(run.error.contains("pan_tilt.chip: cannot open GPIO chip 'portico-sim'") && run.error.contains("nothing was started"), "\(run.error)")
    }

    @Test("under journald (JOURNAL_STREAM names standard error) each line has a <N> priority and no timestamp; elsewhere the terminal format")
    func journalFormat() throws {
        // As systemd does: JOURNAL_STREAM is the device and inode of the stream it connected.
        let script = "[ -n \"$MATCH\" ] && export JOURNAL_STREAM=$(stat -L -c %d:%i /proc/self/fd/2) || export JOURNAL_STREAM=1:2; exec \"$0\" run --http-port 0"
        for journal in [true, false] {
            let run = try Subprocess(["MATCH=\(journal ? "1" : "")", "/bin/sh", "-c", script, Repository.executable], executable: "/usr/bin/env")
            try eventually(.seconds(20), "serving") { run.errorOutput.contains("serving http://") }
            run.signal(SIGTERM)
            #expect(try run.wait(timeout: .seconds(10)) == 0)
            let lines = run.errorOutput.split(separator: "\n")
            #expect(!lines.isEmpty)
            if journal {
                #expect(lines.allSatisfy { $0.hasPrefix("<6>portico: ") || $0.hasPrefix("<5>portico: ") || $0.hasPrefix("<7>portico: ") }, "\(lines)")
                #expect(lines.contains { $0.hasPrefix("<6>portico: starting camera plugin=test-pattern") }, "\(lines)")
            } else {
                #expect(lines.allSatisfy { $0.hasPrefix("20") && $0.contains(" info portico: ") }, "a timestamp first: \(lines)")
            }
        }
    }

    @Test("run with its HTTP port taken: said before anything starts, exit 2; probe says so too, exit 1")
    func portTaken() throws {
        // Another program on the port: a listening socket of this test's own.
        let holder = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(holder) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(holder, $0, length) == 0 && listen(holder, 1) == 0 && getsockname(holder, $0, &length) == 0 }
        }
        #expect(bound)
        let port = Int(UInt16(bigEndian: address.sin_port))
        let run = try Subprocess.run(["run", "--http-address", "127.0.0.1", "--http-port", String(port)], timeout: .seconds(20))
        #expect(run.status == 2)
        #expect(run.error.contains("cannot listen on 127.0.0.1:\(port): address in use (another program listens there); set [http] port or --http-port"), "\(run.error)")
        #expect(!run.error.contains("starting camera"), "nothing started: \(run.error)")
        let profile = try temporaryProfile("name = \"cam\"\n[http]\naddress = \"127.0.0.1\"\nport = \(port)\n")
        defer { unlink(profile) }
        let probe = try Subprocess.run(["probe", "--profile", profile])
        #expect(probe.status == 1)
        #expect(probe.output.contains("  [http]: cannot listen on 127.0.0.1:\(port): address in use"), "\(probe.output)")
    }

    @Test("probe checks the mapping interface and the admin file: named, with an address, readable")
    func setupChecks() throws {
        let folder = try temporaryFolder()
        defer { _ = try? Subprocess.run(["-rf", folder], executable: "/bin/rm") }
        let good = try temporaryProfile("name = \"cam\"\n[http]\nport = 1\nadmin_file = \"\(folder)/admin\"\n[mapping]\nbackend = \"natpmp\"\ninterface = \"lo\"\n")
        let missing = try temporaryProfile("name = \"cam\"\n[http]\nadmin_file = \"\(folder)/admin\"\n[mapping]\nbackend = \"natpmp\"\ninterface = \"nosuch0\"\n")
        defer { unlink(good); unlink(missing) }
        var probe = try Subprocess.run(["probe", "--profile", good])
        #expect(probe.output.contains("  [mapping] interface lo: 127.0.0.1"), "\(probe.output)")
        #expect(probe.output.contains("admin_file \(folder)/admin: no admin password is set; every change is refused until `portico passwd` sets one"), "\(probe.output)")
        try AdminCredential(password: "bring-up-pass", iterations: 2_000).save(to: folder + "/admin")
        probe = try Subprocess.run(["probe", "--profile", good])
        #expect(probe.output.contains("admin_file \(folder)/admin: an admin password is set"), "\(probe.output)")
        probe = try Subprocess.run(["probe", "--profile", missing])
        #expect(probe.status == 2)
        #expect(probe.output.contains("  [mapping] interface nosuch0: this board has no such interface (it has: lo"), "\(probe.output)")
        #expect(probe.error.contains("the board is not set up as the profile expects"), "\(probe.error)")
        _ = try Subprocess.run(["-c", "echo not-a-credential > \(folder)/admin"], executable: "/bin/sh")
        probe = try Subprocess.run(["probe", "--profile", good])
        #expect(probe.status == 2)
        #expect(probe.output.contains("admin_file \(folder)/admin: not a Portico admin credential; set one again with: portico passwd"), "\(probe.output)")
    }

    @Test("probe without --profile checks the built-in sim profile")
    func probeDefault() throws {
        let result = try Subprocess.run(["probe"])
        #expect(result.status == 0)
        #expect(result.output.contains("built-in board/sim/profile.toml"))
    }

    @Test("probe on a bad profile: every problem with file:line, exit 2")
    func probeBad() throws {
        let path = try temporaryProfile("name = \"cam\"\n[camera]\nsource = \"webcam\"\nfps = 500\n[lights]\n")
        defer { unlink(path) }
        let result = try Subprocess.run(["probe", "--profile", path])
        #expect(result.status == 2)
        #expect(result.error.contains("\(path):3:10: camera.source: no camera source is called 'webcam' (valid: \"test-pattern\", \"v4l2\")"))
        #expect(result.error.contains("\(path):4:7: camera.fps: 500 is out of range (valid: 1 to 120)"))
        #expect(result.error.contains("\(path):5:1: lights: unknown section [lights]"))
        #expect(result.error.contains("the profile has 3 problems; nothing was started"))
        #expect(!result.output.contains("profile is valid"))
    }

    @Test("probe on a missing file names it, exit 2")
    func probeMissing() throws {
        let result = try Subprocess.run(["probe", "--profile", "/nonexistent/board"])
        #expect(result.status == 2)
        #expect(result.error.contains("/nonexistent/board: cannot open the profile"))
    }

    @Test("run with a bad profile starts nothing and exits 2")
    func runBad() throws {
        let port = try ServerProcess.freePort()
        let path = try temporaryProfile("name = \"cam\"\n[camera]\nsource = \"test-pattern\"\nquality = 0\n[http]\nport = \(port)\n")
        defer { unlink(path) }
        let result = try Subprocess.run(["run", "--profile", path])
        #expect(result.status == 2)
        #expect(result.error.contains("\(path):4:11: camera.quality: 0 is out of range"))
        #expect(throws: (any Error).self) { try LoopbackHTTPClient.get(port: port, path: "/state", timeout: .seconds(1)) }
    }

    @Test("run rejects an out-of-range --http-port")
    func runBadPort() throws {
        let result = try Subprocess.run(["run", "--http-port", "70000"])
        #expect(result.status != 0)
        #expect(result.error.contains("--http-port 70000 is out of range"))
    }

    @Test("--version and --help")
    func versionAndHelp() throws {
        let version = try Subprocess.run(["--version"])
        #expect(version.status == 0 && version.output.contains(PorticoVersion.current))
        let help = try Subprocess.run(["--help"])
        #expect(help.status == 0)
        for command in ["run", "probe", "map", "register", "passwd"] { #expect(help.output.contains(command)) }
        // The benchmarks are a program of their own, not part of a board's binary.
        #expect(!help.output.contains("bench"))
        let bench = try Subprocess.run(["--help"], executable: Repository.executable + "-bench")
        #expect(bench.status == 0)
        for command in ["stream", "camera"] { #expect(bench.output.contains(command), "\(bench.output)") }
    }

    @Test("SIGTERM and SIGINT stop a running board within 2 s, with a stream client connected", arguments: [SIGTERM, SIGINT])
    func cleanShutdown(signal: Int32) async throws {
        let port = try ServerProcess.freePort()
        let process = try Subprocess(["run", "--http-address", "127.0.0.1", "--http-port", String(port)])
        // The built-in sim profile; a client watching the stream must not hold up shutdown.
        let frames = try await blocking { () -> Int in
            let deadline = ContinuousClock.now + .seconds(20)
            while ContinuousClock.now < deadline {
                if let reply = try? LoopbackHTTPClient.get(port: port, path: "/state", timeout: .seconds(1)), reply.status == 200 { break }
                usleep(50_000)
            }
            var reader = try LoopbackHTTPClient.openStream(port: port)
            for _ in 0..<3 { _ = try reader.next() }
            process.signal(signal)
            let start = ContinuousClock.now
            let status = try process.wait(timeout: .seconds(5))
            let elapsed = ContinuousClock.now - start
            #expect(status == 0, "exit status \(status); stderr:\n\(process.errorOutput)")
            #expect(elapsed < .seconds(2), "took \(elapsed)")
            return 3
        }
        #expect(frames == 3)
        #expect(process.errorOutput.contains("stopped"))
    }
}
