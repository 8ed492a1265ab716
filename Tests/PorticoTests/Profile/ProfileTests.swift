#if canImport(Glibc)
import Glibc
#endif
import CompiledInPlugins
import PorticoCore
import PorticoTestSupport
import Testing

@Suite("Board profiles")
struct ProfileTests {
    let loader = ProfileLoader(registry: CompiledInPlugins.registry)

    @Test("board/sim parses: a test-pattern camera and nothing else")
    func simProfile() throws {
        let profile = try loader.load(path: Repository.path("board/sim"))
        #expect(profile.name == "sim")
        #expect(profile.file == Repository.path("board/sim/profile.toml"))
        #expect(profile.http == HTTPSettings(address: "0.0.0.0", port: 8080))
        let camera = try #require(profile.camera)
        #expect(camera.pluginName == "test-pattern")
        #expect(camera.settings == CameraSettings(size: FrameSize(width: 640, height: 480), fps: 15, quality: 80))
        #expect(profile.mapping == nil && profile.election == nil && profile.panTilt == nil && profile.registrationSwitch == nil)
        #expect(profile.pieces.filter(\.isPresent).map(\.section) == ["camera"])
    }

    @Test("board/virtual and board/rpi parse, motors and switch included", arguments: ["board/virtual", "board/rpi"])
    func boardProfiles(_ board: String) throws {
        // The site key is the board's own secret, made at bring-up: here, a stand-in file.
        let key = try temporaryFolder() + "/site.key"
        try AtomicFile.write(Array("0123456789abcdef0123456789abcdef".utf8), to: key)
        let text = try Repository.read(board + "/profile.toml").replacing("/etc/portico/site.key", with: key)
        let profile = try loader.load(text: text, file: board + "/profile.toml")
        let panTilt = try #require(profile.panTilt)
        #expect(panTilt.pluginName == "gpio-stepper")
        #expect(!panTilt.settings.presets.isEmpty)
        #expect(profile.registrationSwitch?.pluginName == "gpio")
        #expect(profile.camera?.pluginName == "v4l2")
    }

    @Test("the built-in default is board/sim/profile.toml, byte for byte")
    func embeddedProfileMatchesFile() throws {
        let file = try Repository.read("board/sim/profile.toml")
        #expect(EmbeddedProfile.sim + "\n" == file)
    }

    @Test("every kind of value a profile can hold, with positions")
    func parserValues() throws {
        let document = try ProfileParser.parse(
            """
            # comment
            name = "a\\tb\\u00e9"   # trailing comment
            [s]
            int = -1_000
            hex = 0x1F
            float = 2.5e3
            flag = false
            literal = 'C:\\path'
            list = [
              1, 2,  # comment inside
              3,
            ]
            "quoted key" = true
            """, file: "x.toml")
        #expect(document.root.entries.map(\.key) == ["name"])
        #expect(document.root.entries[0].value.kind == .string("a\tbé"))
        #expect(document.root.entries[0].value.position == SourcePosition(line: 2, column: 8))
        let section = try #require(document.sections.first)
        #expect(section.name == "s" && section.headerPosition.line == 3)
        let values = Dictionary(uniqueKeysWithValues: section.entries.map { ($0.key, $0.value.kind) })
        #expect(values["int"] == .integer(-1000))
        #expect(values["hex"] == .integer(31))
        #expect(values["float"] == .float(2500))
        #expect(values["flag"] == .boolean(false))
        #expect(values["literal"] == .string("C:\\path"))
        #expect(values["quoted key"] == .boolean(true))
        guard case .array(let items) = values["list"] else {
            Issue.record("list is not an array")
            return
        }
        #expect(items.map(\.kind) == [.integer(1), .integer(2), .integer(3)])
        #expect(items[2].position.line == 11)
    }

    @Test("durations, sizes and port ranges as profiles write them")
    func valueFormats() {
        #expect(ProfileDuration.parse("500ms") == .milliseconds(500))
        #expect(ProfileDuration.parse("2s") == .seconds(2))
        #expect(ProfileDuration.parse("1.5s") == .milliseconds(1500))
        #expect(ProfileDuration.parse("5m") == .seconds(300))
        #expect(ProfileDuration.parse("1h") == .seconds(3600))
        #expect(ProfileDuration.parse("1 h") == nil)
        #expect(ProfileDuration.parse("h") == nil)
        #expect(ProfileDuration.parse("-1s") == nil)
        #expect(ProfileDuration.format(.milliseconds(30)) == "30ms")
        #expect(ProfileDuration.format(.seconds(3600)) == "1h")
        #expect(FrameSize(parsing: "1280x720") == FrameSize(width: 1280, height: 720))
        #expect(FrameSize(parsing: "1280X720") == nil)
        #expect(FrameSize(parsing: "-2x4") == nil)
        #expect(PortRange(parsing: "8081-8099") == PortRange(8081, 8099))
        #expect(PortRange(parsing: "8081") == PortRange(8081, 8081))
        #expect(PortRange(parsing: "80-") == nil)
        // Past what a duration or a side can be: no value, and no trap.
        #expect(ProfileDuration.parse("99999999999999h") == nil)
        #expect(ProfileDuration.parse(String(repeating: "9", count: 400) + "s") == nil)
        #expect(FrameSize(parsing: "99999999999999999999x2") == nil)
        #expect(FrameSize(parsing: "4294967296x4294967296") == nil, "a side of more than six digits is no size")
        #expect(PortRange(parsing: "9000-8000").map { $0.contains(8500) } == false, "a range written backwards contains nothing")
    }

    /// A broken profile, the line and key its first matching error must name.
    struct Broken: CustomTestStringConvertible, Sendable {
        let label: String
        let text: String
        let code: ProfileError.Code
        let line: Int
        let key: String
        /// Text the message or the valid choices must contain.
        let mentions: String
        var testDescription: String { label }
    }

    static let sim = """
        name = "cam"
        [camera]
        source = "test-pattern"

        """

    static let broken: [Broken] = [
        Broken(label: "unknown key", text: sim + "colour = true\n", code: .unknownKey, line: 4, key: "camera.colour", mentions: "quality"),
        Broken(label: "unknown top-level key", text: "name = \"cam\"\nhostname = \"x\"\n", code: .unknownKey, line: 2, key: "hostname", mentions: "name"),
        Broken(label: "unknown section", text: sim + "[lights]\non = true\n", code: .unknownSection, line: 4, key: "lights", mentions: "[pan_tilt]"),
        Broken(label: "wrong type: fps as string", text: sim + "fps = \"15\"\n", code: .wrongType, line: 4, key: "camera.fps", mentions: "integer"),
        Broken(label: "wrong type: quality as float", text: sim + "quality = 80.0\n", code: .wrongType, line: 4, key: "camera.quality", mentions: "integer"),
        Broken(label: "fps 0", text: sim + "fps = 0\n", code: .outOfRange, line: 4, key: "camera.fps", mentions: "1 to 120"),
        Broken(label: "fps 121", text: sim + "fps = 121\n", code: .outOfRange, line: 4, key: "camera.fps", mentions: "1 to 120"),
        Broken(label: "quality 0", text: sim + "quality = 0\n", code: .outOfRange, line: 4, key: "camera.quality", mentions: "1 to 100"),
        Broken(label: "quality 101", text: sim + "quality = 101\n", code: .outOfRange, line: 4, key: "camera.quality", mentions: "1 to 100"),
        Broken(label: "size not WxH", text: sim + "size = \"1280*720\"\n", code: .invalidValue, line: 4, key: "camera.size", mentions: "WIDTHxHEIGHT"),
        Broken(label: "size too small", text: sim + "size = \"8x8\"\n", code: .outOfRange, line: 4, key: "camera.size", mentions: "16 to 8192"),
        Broken(label: "size odd", text: sim + "size = \"641x480\"\n", code: .invalidValue, line: 4, key: "camera.size", mentions: "even"),
        Broken(label: "http port 0", text: sim + "[http]\nport = 0\n", code: .outOfRange, line: 5, key: "http.port", mentions: "1 to 65535"),
        Broken(label: "http port 65536", text: sim + "[http]\nport = 65536\n", code: .outOfRange, line: 5, key: "http.port", mentions: "1 to 65535"),
        Broken(label: "http address not IPv4", text: sim + "[http]\naddress = \"localhost\"\n", code: .invalidValue, line: 5, key: "http.address", mentions: "127.0.0.1"),
        Broken(label: "mapping fixed port out of range", text: sim + "[mapping]\nbackend = \"upnp\"\nfixed_port = 70000\n", code: .outOfRange, line: 6, key: "mapping.fixed_port", mentions: "1 to 65535"),
        Broken(label: "mapping port range reversed", text: sim + "[mapping]\nbackend = \"upnp\"\nports = \"9000-8000\"\n", code: .invalidValue, line: 6, key: "mapping.ports", mentions: "LOW <= HIGH"),
        Broken(label: "duration past 64 bits of nanoseconds", text: sim + "[election]\npolicy = \"port-order\"\ninquiry = \"99999999999999h\"\n", code: .invalidValue, line: 6, key: "election.inquiry", mentions: "is not a duration"),
        Broken(label: "server value with a control character", text: sim + "[election]\npolicy = \"port-order\"\nserver_value = \"a\\u0007b\"\n", code: .invalidValue, line: 6, key: "election.server_value", mentions: "printable ASCII"),
        Broken(label: "duration without unit", text: sim + "[election]\npolicy = \"port-order\"\ninquiry = \"5\"\n", code: .invalidValue, line: 6, key: "election.inquiry", mentions: "500ms"),
        Broken(label: "election: list_unverified not a boolean", text: sim + "[election]\npolicy = \"port-order\"\nlist_unverified = \"yes\"\n", code: .wrongType, line: 6, key: "election.list_unverified", mentions: "true or false"),
        Broken(label: "duration out of range", text: sim + "[switch]\ndriver = \"gpio\"\ndebounce = \"2s\"\n", code: .outOfRange, line: 6, key: "switch.debounce", mentions: "0s to 1s"),
        Broken(label: "unknown plugin name", text: "name = \"cam\"\n[camera]\nsource = \"webcam\"\n", code: .unknownPlugin, line: 3, key: "camera.source", mentions: "\"test-pattern\""),
        Broken(label: "missing plugin selector", text: "name = \"cam\"\n[camera]\nfps = 10\n", code: .missingKey, line: 2, key: "camera.source", mentions: "string"),
        Broken(label: "missing name", text: "[camera]\nsource = \"test-pattern\"\n", code: .missingKey, line: 0, key: "name", mentions: "required"),
        Broken(label: "name with spaces", text: "name = \"front door\"\n", code: .invalidValue, line: 1, key: "name", mentions: "letters, digits"),
        Broken(label: "duplicate key", text: sim + "fps = 10\nfps = 12\n", code: .duplicateKey, line: 5, key: "camera.fps", mentions: "line 4"),
        Broken(label: "duplicate section", text: sim + "[camera]\nfps = 10\n", code: .duplicateSection, line: 4, key: "camera", mentions: "line 2"),
        Broken(label: "syntax: missing =", text: sim + "fps 10\n", code: .syntax, line: 4, key: "fps", mentions: "'='"),
        Broken(label: "syntax: unterminated string", text: sim + "size = \"640x480\n", code: .syntax, line: 4, key: "size", mentions: "not closed"),
        Broken(label: "syntax: a signed unicode escape", text: sim + "source2 = \"\\u+041\"\n", code: .syntax, line: 4, key: "source2", mentions: "invalid unicode escape"),
        Broken(label: "syntax: bare word", text: sim + "size = big\n", code: .syntax, line: 4, key: "size", mentions: "quotes"),
        Broken(label: "syntax: text after value", text: sim + "fps = 10 12\n", code: .syntax, line: 4, key: "", mentions: "one key = value per line"),
        Broken(label: "unsupported: dotted key", text: sim + "camera.fps = 10\n", code: .unsupportedSyntax, line: 4, key: "camera", mentions: "dotted"),
        Broken(label: "unsupported: inline table", text: sim + "size = { w = 1 }\n", code: .unsupportedSyntax, line: 4, key: "size", mentions: "inline tables"),
        Broken(label: "pan/tilt: an axis wired twice", text: sim + "[pan_tilt]\ndriver = \"gpio-stepper\"\npan_coils = [0, 1, 2, 3]\npan_step = 4\npan_dir = 5\n", code: .invalidValue, line: 6, key: "pan_tilt.pan_coils", mentions: "wired twice"),
        Broken(label: "pan/tilt: three coils", text: sim + "[pan_tilt]\ndriver = \"gpio-stepper\"\npan_coils = [0, 1, 2]\n", code: .invalidValue, line: 6, key: "pan_tilt.pan_coils", mentions: "4 entries"),
        Broken(label: "pan/tilt: a coil line named twice", text: sim + "[pan_tilt]\ndriver = \"gpio-stepper\"\npan_coils = [0, 1, 1, 3]\n", code: .invalidValue, line: 6, key: "pan_tilt.pan_coils", mentions: "twice"),
        Broken(label: "pan/tilt: tilt on a pan line", text: sim + "[pan_tilt]\ndriver = \"gpio-stepper\"\npan_coils = [0, 1, 2, 3]\ntilt_coils = [3, 4, 5, 6]\n", code: .invalidValue, line: 7, key: "pan_tilt.tilt_coils", mentions: "line 3 is already used by the pan axis"),
        Broken(label: "pan/tilt: step without dir", text: sim + "[pan_tilt]\ndriver = \"gpio-stepper\"\npan_step = 4\n", code: .missingKey, line: 4, key: "pan_tilt.pan_dir", mentions: "both pan_step and pan_dir"),
        Broken(label: "pan/tilt: no axis wired", text: sim + "[pan_tilt]\ndriver = \"gpio-stepper\"\nspeed = 10\n", code: .missingKey, line: 5, key: "pan_tilt.driver", mentions: "pan_coils"),
        Broken(label: "pan/tilt: limit switch on a motor line", text: sim + "[pan_tilt]\ndriver = \"gpio-stepper\"\npan_coils = [0, 1, 2, 3]\npan_home = 2\n", code: .invalidValue, line: 7, key: "pan_tilt.pan_home", mentions: "already drives"),
        Broken(label: "pan/tilt: preset not NAME=PAN,TILT", text: sim + "[pan_tilt]\ndriver = \"gpio-stepper\"\npan_coils = [0, 1, 2, 3]\npresets = [\"door\"]\n", code: .invalidValue, line: 7, key: "pan_tilt.presets", mentions: "NAME=PAN,TILT"),
        Broken(label: "pan/tilt: preset beyond the limits", text: sim + "[pan_tilt]\ndriver = \"gpio-stepper\"\npan_coils = [0, 1, 2, 3]\npresets = [\"far=200,0\"]\n", code: .outOfRange, line: 7, key: "pan_tilt.presets", mentions: "soft limits"),
        Broken(label: "pan/tilt: homing slower first", text: sim + "[pan_tilt]\ndriver = \"gpio-stepper\"\npan_coils = [0, 1, 2, 3]\nhoming_speed = 2\nhoming_slow_speed = 5\n", code: .invalidValue, line: 8, key: "pan_tilt.homing_slow_speed", mentions: "at most homing_speed"),
        Broken(label: "switch: no line", text: sim + "[switch]\ndriver = \"gpio\"\nactive = \"low\"\n", code: .missingKey, line: 4, key: "switch.line", mentions: "integer"),
        Broken(label: "switch: LED on the button's line", text: sim + "[switch]\ndriver = \"gpio\"\nline = 10\nled = 10\n", code: .invalidValue, line: 7, key: "switch.led", mentions: "cannot share"),
        Broken(label: "switch: unknown pull", text: sim + "[switch]\ndriver = \"gpio\"\nline = 10\npull = \"sideways\"\n", code: .invalidValue, line: 7, key: "switch.pull", mentions: "\"up\""),
        Broken(label: "array with wrong count", text: sim + "[pan_tilt]\ndriver = \"gpio-stepper\"\npan_limits = [1, 2, 3]\n", code: .invalidValue, line: 6, key: "pan_tilt.pan_limits", mentions: "2 entries"),
    ]

    @Test("a broken profile is refused with the line and key of the problem", arguments: broken)
    func brokenProfile(_ case_: Broken) throws {
        let errors = try #require(throws: ProfileErrors.self) {
            try loader.load(text: case_.text, file: "board.toml")
        }
        let match = errors.errors.first { $0.code == case_.code && $0.key == case_.key }
        let error = try #require(match, "no \(case_.code) error for '\(case_.key)' in:\n\(errors)")
        #expect(error.line == case_.line, "\(error)")
        #expect(error.file == "board.toml")
        #expect(error.description.contains(case_.mentions), "\(error)")
        if error.line > 0 {
            #expect(error.description.hasPrefix("board.toml:\(error.line):"), "\(error)")
        }
    }

    @Test("a section whose family has no plugin in this build says so")
    func familyWithoutPlugins() throws {
        let errors = try #require(throws: ProfileErrors.self) {
            try ProfileLoader(registry: PluginRegistry()).load(text: "name = \"cam\"\n[mapping]\nbackend = \"upnp\"\n", file: "p.toml")
        }
        #expect(errors.description == "p.toml:3:11: mapping.backend: no mapping backend is called 'upnp' (valid: none: this build has no mapping backend plugins; remove [mapping])")
    }

    @Test("syntax errors on several lines are all reported in one run")
    func severalErrors() throws {
        let errors = try #require(throws: ProfileErrors.self) {
            try loader.load(text: "name = \"cam\"\nfoo bar\n[camera]\nsource = \"test-pattern\"\nfps = x\n", file: "p.toml")
        }
        #expect(errors.errors.map(\.line) == [2, 5])
    }

    /// `text` as the value of `x`, parsed: its kind, or the parser's errors.
    static func parsed(_ text: String) -> Result<ProfileValue.Kind, ProfileErrors> {
        do {
            let document = try ProfileParser.parse("x = \(text)\n", file: "p.toml")
            return .success(document.root.entries[0].value.kind)
        } catch {
            return .failure(error)
        }
    }

    @Test("TOML's integers, each radix and sign, up to the 64-bit limits", arguments: [
        ("0", 0), ("+0", 0), ("-0", 0), ("42", 42), ("+17", 17), ("-17", -17), ("1_000", 1000), ("5_349_221", 5_349_221),
        ("9223372036854775807", Int.max), ("-9223372036854775808", Int.min), ("+9_223_372_036_854_775_807", Int.max),
        ("0xDEADBEEF", 0xDEAD_BEEF), ("0xdead_beef", 0xDEAD_BEEF), ("0x7FFFFFFFFFFFFFFF", Int.max), ("0x0", 0),
        ("0o755", 0o755), ("0o0", 0), ("0b1101_0110", 0b1101_0110), ("0b0", 0),
    ])
    func integers(text: String, value: Int) throws {
        #expect(try Self.parsed(text).get() == .integer(value))
    }

    @Test("anything outside TOML's integer grammar or past 64 bits is a syntax error, never a trap", arguments: [
        "--9223372036854775808", "--1", "-+5", "+-5", "++5", "0x-8000000000000000", "0b-1", "0o-7", "0x+1", "+0x5", "-0x5",
        "9223372036854775808", "-9223372036854775809", "0x8000000000000000", "0xFFFFFFFFFFFFFFFFF",
        "1_000_000_000_000_000_000_000", "01", "00", "-01", "0_0", "1__0", "_1", "1_", "0x_1", "0x1_", "0X1F", "0B1",
        "0b2", "0o8", "0xG", "0x", "0o", "-", "+",
    ])
    func notIntegers(text: String) throws {
        let errors = try #require(throws: ProfileErrors.self) { try Self.parsed(text).get() }
        #expect(errors.errors.count == 1)
        #expect(errors.errors[0].code == .syntax && errors.errors[0].line == 1 && errors.errors[0].column == 5, "\(errors)")
        #expect(errors.description.contains(text), "\(errors)")
    }

    @Test("a misspelt integer says what an integer may be")
    func integerMessage() throws {
        let errors = try #require(throws: ProfileErrors.self) {
            try loader.load(text: Self.sim + "fps = --9223372036854775808\n", file: "board.toml")
        }
        #expect(errors.description.hasPrefix("board.toml:4:7: fps: '--9223372036854775808' is not an integer (valid: "), "\(errors)")
    }

    @Test("arrays nested 100,000 deep, closed or not, are refused at the second level without exhausting the stack", arguments: [
        true, false,
    ])
    func deepArrays(closed: Bool) throws {
        let depth = 100_000
        let text = "name = \"cam\"\nx = " + String(repeating: "[", count: depth) + (closed ? String(repeating: "]", count: depth) : "") + "\n"
        let errors = try #require(throws: ProfileErrors.self) { try ProfileParser.parse(text, file: "p.toml") }
        #expect(errors.errors.count == 1)
        #expect(errors.errors[0].code == .unsupportedSyntax && errors.errors[0].line == 2 && errors.errors[0].column == 6, "\(errors)")
        #expect(errors.description.contains("arrays of arrays"))
    }

    @Test("a long value is shortened in the message, which keeps its file:line:column: key: form")
    func longValues() throws {
        let long = String(repeating: "x", count: 5000)
        for (text, prefix) in [
            (Self.sim + "size = \"\(long)\"\n", "board.toml:4:8: camera.size: '" + String(repeating: "x", count: 40) + "…' is not a size (valid: "),
            (Self.sim + "fps = \(long)\n", "board.toml:4:7: fps: '" + String(repeating: "x", count: 40) + "…' is not a value"),
            (Self.sim + "fps = \"\(long)\"\n", "board.toml:4:7: camera.fps: expected an integer, found the string \"" + String(repeating: "x", count: 40) + "…\""),
            ("name = \"\(long)\"\n", "board.toml:1:8: name: '" + String(repeating: "x", count: 40) + "…' cannot be a camera name (valid: "),
        ] {
            let errors = try #require(throws: ProfileErrors.self) { try loader.load(text: text, file: "board.toml") }
            let first = try #require(errors.errors.first)
            #expect(first.description.hasPrefix(prefix), "\(first)")
            #expect(first.description.count < 300, "\(first.description.count) characters")
        }
        #expect(ProfileError.shortened("a\u{1B}[2Jb") == "a?[2Jb", "a control character cannot rewrite the terminal")
    }

    @Test("a file that is not UTF-8 is refused at the line and column of the stray byte")
    func notUTF8() throws {
        let path = try temporaryProfile("")
        defer { unlink(path) }
        let bytes: [UInt8] = Array("name = \"cam\"\n[camera]\nsource = \"t\u{e9}st".utf8) + [0xFF] + Array("\"\n".utf8)
        let file = try #require(fopen(path, "w"))
        _ = fwrite(bytes, 1, bytes.count, file)
        fclose(file)
        let errors = try #require(throws: ProfileErrors.self) { try loader.load(path: path) }
        #expect(errors.errors.first?.code == .unreadable)
        #expect(errors.description.hasPrefix("\(path):3:16: "), "\(errors)")
        #expect(errors.description.contains("not UTF-8"))
    }

    @Test("an unreadable file is an error that names it")
    func missingFile() throws {
        let errors = try #require(throws: ProfileErrors.self) {
            try loader.load(path: "/nonexistent/portico/profile.toml")
        }
        #expect(errors.errors.first?.code == .unreadable)
        #expect(errors.description.contains("/nonexistent/portico/profile.toml"))
    }
}
