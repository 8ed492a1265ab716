import PorticoCore
import Testing

@Suite("Peer protocol codec")
struct PeerCodecTests {
    static let key = Array("portico-site-key-for-tests-0001".utf8)
    static let message = PeerMessage(
        kind: .report, sender: "b8:27:eb:01:02:03", sequence: 1_795_336_264_085_070, term: 7,
        camera: CameraRecord(name: "porch", internalAddress: "198.51.100.12", internalPort: 8080, externalPort: 8081,
                             serverValue: "b8:27:eb:01:02:03"))

    @Test("every kind round-trips")
    func roundTrip() throws {
        let codec = try PeerCodec(siteKey: Self.key)
        for kind in PeerMessage.Kind.allCases {
            var message = Self.message
            message.kind = kind
            message.camera.externalPort = kind == .notice ? nil : 8081
            #expect(try codec.decode(codec.encode(message)) == message)
        }
    }

    @Test("a short site key is refused")
    func shortKey() {
        #expect(throws: PeerCodecError(.shortKey, "the site key has 15 bytes; it needs at least 16")) {
            try PeerCodec(siteKey: Array(repeating: 1, count: 15))
        }
    }

    @Test("a message under another key, or with any byte changed, is refused as forged")
    func forged() throws {
        let codec = try PeerCodec(siteKey: Self.key)
        let rogue = try PeerCodec(siteKey: Array("a-rogue-key-that-is-long-enough".utf8))
        let wire = try rogue.encode(Self.message)
        #expect(throws: PeerCodecError.self) { try codec.decode(wire) }
        do {
            _ = try codec.decode(wire)
        } catch {
            #expect(error.code == .badSignature)
        }
        let genuine = try codec.encode(Self.message)
        for index in 5..<genuine.count {
            var tampered = genuine
            tampered[index] ^= 0x01
            do {
                _ = try codec.decode(tampered)
                Issue.record("a change at byte \(index) went unnoticed")
            } catch {
                #expect(error.code == .badSignature)
            }
        }
    }

    @Test("truncated, oversized, foreign and future-version datagrams are refused by code")
    func malformed() throws {
        let codec = try PeerCodec(siteKey: Self.key)
        let genuine = try codec.encode(Self.message)
        for length in 0..<genuine.count {
            #expect(throws: PeerCodecError.self) { try codec.decode(Array(genuine.prefix(length))) }
        }
        func code(_ bytes: [UInt8]) -> PeerCodecError.Code? {
            do { _ = try codec.decode(bytes); return nil } catch { return error.code }
        }
        #expect(code(Array(repeating: 0, count: 600)) == .oversized)
        #expect(code(Array("M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\n\r\n".utf8)) == .notPortico)
        var future = genuine
        future[4] = 2
        #expect(code(future) == .unknownVersion)
        let longName = PeerMessage(kind: .notice, sender: "x", sequence: 1, term: 1, camera: CameraRecord(
            name: String(repeating: "n", count: 300), internalAddress: "a", internalPort: 1, externalPort: nil, serverValue: ""))
        #expect(throws: PeerCodecError.self) { try codec.encode(longName) }
    }

    static func changed(_ change: (inout PeerMessage) -> Void) -> PeerMessage {
        var message = message
        change(&message)
        return message
    }

    @Test("a signed message with a field no camera sends is dropped as invalid_field, naming the field", arguments: [
        ("name", changed { $0.camera.name = "<script>alert(1)</script>" }),
        ("name", changed { $0.camera.name = "" }),
        ("sender", changed { $0.sender = "cam 1" }),
        ("sender", changed { $0.sender = "cam\u{7}" }),
        ("address", changed { $0.camera.internalAddress = "evil.example" }),
        ("address", changed { $0.camera.internalAddress = "198.51.100.300" }),
        ("internal port", changed { $0.camera.internalPort = 0 }),
        ("server value", changed { $0.camera.serverValue = "line\nbreak" }),
    ])
    func invalidFields(field: String, message: PeerMessage) throws {
        let codec = try PeerCodec(siteKey: Self.key)
        let error = try #require(throws: PeerCodecError.self) { try codec.decode(codec.encode(message)) }
        #expect(error.code == .invalidField)
        #expect(error.message.hasPrefix(field), "\(error)")
        #expect(error.message.unicodeScalars.allSatisfy { (0x20...0x7E).contains($0.value) || $0 == "…" }, "shown without control characters: \(error)")
    }

    @Test("the terms of a message are carried whole, up to the largest")
    func largestTerm() throws {
        let codec = try PeerCodec(siteKey: Self.key)
        var message = Self.message
        message.term = .max
        message.sequence = .max
        #expect(try codec.decode(codec.encode(message)) == message)
    }

    @Test("20,000 random and mutated datagrams: refused unless byte-identical to a genuine one, none crashes")
    func hostileDatagrams() throws {
        let codec = try PeerCodec(siteKey: Self.key)
        let genuine = try codec.encode(Self.message)
        var generator = SystemRandomNumberGenerator()
        var refused = 0
        var decoded = 0
        for round in 0..<20_000 {
            var bytes: [UInt8]
            if round % 2 == 0 {
                bytes = (0..<Int.random(in: 0...600, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
                if round % 4 == 0 && bytes.count > 5 { bytes.replaceSubrange(0..<5, with: PeerCodec.magic + [1]) }
            } else {
                bytes = genuine
                for _ in 0..<Int.random(in: 1...4, using: &generator) {
                    bytes[Int.random(in: 0..<bytes.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator)
                }
            }
            if let message = try? codec.decode(bytes) {
                // A mutation that wrote the byte already there leaves the genuine message.
                #expect(bytes == genuine && message == Self.message)
                decoded += 1
            } else {
                refused += 1
            }
        }
        #expect(refused + decoded == 20_000 && refused > 19_000)
    }

    @Test("replay window: a sequence number is accepted once per sender, in increasing order")
    func replayWindow() {
        var window = ReplayWindow(capacity: 3)
        let steps: [(String, UInt64, Bool)] = [
            ("a", 10, true), ("a", 10, false), ("a", 9, false), ("a", 11, true),
            ("b", 5, true), ("c", 5, true),
            ("d", 5, true),  // forgets "a", the least recently heard
            ("b", 6, true), ("d", 5, false),
        ]
        let results = steps.map { window.accept(sender: $0.0, sequence: $0.1) }
        #expect(results == steps.map(\.2))
    }
}
