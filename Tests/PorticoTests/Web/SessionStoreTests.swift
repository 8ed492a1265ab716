@testable import PorticoCore
import Testing

@Suite("Admin sessions: ids, expiry, fixation, eviction")
struct SessionStoreTests {
    static func id(_ n: Int) -> String {
        var generator = CountingGenerator(seed: UInt64(n))
        return SessionStore.newID(using: &generator)
    }

    @Test("an id is 256 random bits as 43 base64url characters, different every time")
    func ids() {
        var generator = SystemRandomNumberGenerator()
        let ids = (0..<200).map { _ in SessionStore.newID(using: &generator) }
        #expect(Set(ids).count == 200)
        for id in ids {
            #expect(id.count == 43)
            #expect(id.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") })
        }
        // RFC 4648 §10's vectors, in the URL alphabet and without padding.
        #expect(Base64URL.encode(Array("foobar".utf8)) == "Zm9vYmFy")
        #expect(Base64URL.encode(Array("fooba".utf8)) == "Zm9vYmE")
        #expect(Base64URL.encode(Array("f".utf8)) == "Zg")
        #expect(Base64URL.encode([0xfb, 0xff]) == "-_8")
    }

    @Test("a session ends after the idle time without use, and after the absolute time whatever its use")
    func expiry() {
        var store = SessionStore(limits: .init(idle: .seconds(60), absolute: .seconds(300), capacity: 8))
        let a = Self.id(1)
        store.open(a, at: .zero)
        #expect(use(&store, a, at: .seconds(59)))
        // Used at 59 s: idle counts from there.
        #expect(use(&store, a, at: .seconds(118)))
        #expect(!store.isLive(a, at: .seconds(178)))
        #expect(!use(&store, a, at: .seconds(178)))
        #expect(store.count == 0, "an expired session is dropped, not kept")

        let b = Self.id(2)
        store.open(b, at: .seconds(1000))
        for step in 1...9 {
            let now = Duration.seconds(1000 + 30 * step)
            #expect(use(&store, b, at: now), "used every 30 s: live at \(now)")
        }
        #expect(use(&store, b, at: .seconds(1299)))
        #expect(!use(&store, b, at: .seconds(1300)), "300 s after the login it ends, however busy")
    }

    @Test("an id the browser brought is never a session: only ids opened at a login are")
    func fixation() {
        var store = SessionStore()
        let planted = Self.id(3)
        #expect(!use(&store, planted, at: .zero))
        let opened = Self.id(4)
        store.open(opened, at: .zero)
        #expect(!use(&store, planted, at: .seconds(1)))
        #expect(use(&store, opened, at: .seconds(1)))
        // Differing in the last character only: still no session.
        var near = Array(opened)
        near[42] = near[42] == "A" ? "B" : "A"
        #expect(!use(&store, String(near), at: .seconds(1)))
        #expect(!use(&store, String(opened.dropLast()), at: .seconds(1)))
        #expect(!use(&store, "", at: .seconds(1)))
    }

    @Test("full, the oldest login goes first; logout and a password change end sessions")
    func evictionAndClosing() {
        var store = SessionStore(limits: .init(capacity: 3))
        let ids = (10..<15).map(Self.id)
        for (index, id) in ids.enumerated() { store.open(id, at: .seconds(Int64(index))) }
        #expect(store.count == 3)
        #expect(!store.isLive(ids[0], at: .seconds(5)) && !store.isLive(ids[1], at: .seconds(5)))
        #expect(ids[2...].allSatisfy { store.isLive($0, at: .seconds(5)) })
        store.close(ids[3])
        #expect(!store.isLive(ids[3], at: .seconds(5)) && store.count == 2)
        store.open(ids[0], at: .seconds(6))
        store.closeAll(except: ids[4])
        #expect(store.count == 1 && store.isLive(ids[4], at: .seconds(6)))
        store.closeAll(except: nil)
        #expect(store.count == 0)
    }

    @Test("the comparison looks at every byte: equal only when all are, lengths included")
    func constantTime() {
        #expect(ConstantTime.equal([1, 2, 3], [1, 2, 3]))
        #expect(ConstantTime.equal([UInt8](), [UInt8]()))
        #expect(!ConstantTime.equal([1, 2, 3], [1, 2, 4]))
        #expect(!ConstantTime.equal([9, 2, 3], [1, 2, 3]))
        #expect(!ConstantTime.equal([1, 2, 3], [1, 2]))
        #expect(!ConstantTime.equal([1, 2], [1, 2, 0]))
        #expect(!ConstantTime.equal([UInt8](), [0]))
        // The credential compares its hash with it too.
        let credential = try? AdminCredential(password: "correct horse", iterations: 1_000)
        #expect(credential?.verifies("correct horse") == true && credential?.verifies("correct horsf") == false)
    }
}

/// `store.use`, callable inside `#expect`, which cannot take a mutating call.
func use(_ store: inout SessionStore, _ id: String, at now: Duration) -> Bool {
    store.use(id, at: now)
}

/// A deterministic generator (SplitMix64), so test ids are reproducible.
struct CountingGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
