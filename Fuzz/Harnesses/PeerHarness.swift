import Crypto
import PorticoCore

/// What a camera does with a datagram from the LAN: decode it under the site key, then
/// ask the replay window whether it is new.
///
/// The first byte picks how the rest is used, so the fuzzer reaches past the MAC:
/// - 0: the rest is a datagram as received, forged or broken;
/// - 1: the rest is the body after "PTCO" and the version, signed here with the site key,
///   as a camera of the site with a bug (or a stolen key) would send it;
/// - 2: the rest chooses a message's fields; it is encoded, then decoded.
/// Every input then drives a small replay window against a model of it.
///
/// Invariants: a datagram that decodes re-encodes to the same bytes; a message that
/// encodes decodes to itself unless a field breaks `PeerFieldRules` (then it is dropped
/// as `invalidField`), and encoding refuses exactly the messages past the limits.
package enum PeerHarness {
    package static let siteKey = Array("portico-fuzz-site-key-32-bytes!!".utf8)
    static let codec = try! PeerCodec(siteKey: siteKey)

    package static func run(_ input: [UInt8]) throws(InvariantViolation) {
        var choices = FuzzInput(input)
        switch choices.byte() % 3 {
        case 0:
            try decode(Array(choices.rest()))
        case 1:
            let body = PeerCodec.magic + [PeerCodec.version] + choices.rest()
            try decode(signed(body))
        default:
            try roundTrip(&choices)
        }
        try replay(FuzzInput(input))
    }

    /// `body` followed by its MAC under the site key.
    package static func signed(_ body: [UInt8]) -> [UInt8] {
        body + HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: siteKey))
    }

    static func decode(_ datagram: [UInt8]) throws(InvariantViolation) {
        guard let message = try? codec.decode(datagram) else { return }
        let again = Result { () throws(PeerCodecError) in try codec.encode(message) }
        try InvariantViolation.check(again == .success(datagram), "a decoded message re-encodes differently: \(message)")
    }

    static func roundTrip(_ choices: inout FuzzInput) throws(InvariantViolation) {
        let kind = PeerMessage.Kind.allCases[Int(choices.byte()) % PeerMessage.Kind.allCases.count]
        let sequence = choices.uint64()
        let term = choices.uint64()
        var texts: [String] = []
        for _ in 0..<4 { texts.append(String(decoding: choices.bytes(upTo: 300), as: UTF8.self)) }
        let internalPort = Int(choices.uint16())
        let externalPort = Int(choices.uint16())
        let message = PeerMessage(
            kind: kind, sender: texts[0], sequence: sequence, term: term,
            camera: CameraRecord(name: texts[1], internalAddress: texts[2], internalPort: internalPort,
                                 externalPort: externalPort == 0 ? nil : externalPort, serverValue: texts[3]))
        let fixed = PeerCodec.magic.count + 2 + 8 + 8 + 2 + 2 + PeerCodec.macSize
        let size = fixed + texts.reduce(0) { $0 + 1 + $1.utf8.count }
        let fits = texts.allSatisfy { $0.utf8.count <= 255 } && size <= PeerCodec.maximumSize
        let datagram: [UInt8]
        do throws(PeerCodecError) {
            datagram = try codec.encode(message)
        } catch {
            try InvariantViolation.check(!fits && error.code == .oversized, "a message within the limits was refused: \(error)")
            return
        }
        try InvariantViolation.check(fits && datagram.count == size, "encoding gave \(datagram.count) bytes for a message of \(size)")
        let decoded = Result { () throws(PeerCodecError) in try codec.decode(datagram) }
        if message.sender.isEmpty {
            try InvariantViolation.check((try? decoded.get()) == nil, "a message without a sender was accepted")
        } else if let problem = PeerFieldRules.problem(in: message) {
            var code: PeerCodecError.Code?
            if case .failure(let error) = decoded { code = error.code }
            try InvariantViolation.check(code == .invalidField, "a message whose \(problem) was decoded as \(decoded)")
        } else {
            try InvariantViolation.check(decoded == .success(message), "decode(encode(m)) != m: \(decoded)")
        }
    }

    /// A window of 4 senders against a model: every sender's last accepted number, most
    /// recently accepted last, the least recent forgotten past the capacity.
    static func replay(_ input: FuzzInput) throws(InvariantViolation) {
        var choices = input
        let capacity = 4
        var window = ReplayWindow(capacity: capacity)
        var model: [(sender: String, latest: UInt64)] = []
        for _ in 0..<64 where !choices.isAtEnd {
            let sender = "camera-\(choices.byte() % 8)"
            let sequence = UInt64(choices.uint16())
            let known = model.firstIndex { $0.sender == sender }
            let expected = known.map { sequence > model[$0].latest } ?? true
            let accepted = window.accept(sender: sender, sequence: sequence)
            try InvariantViolation.check(accepted == expected,
                                         "\(sender) #\(sequence): the window said \(accepted), the model \(expected)")
            if accepted {
                if let known { model.remove(at: known) }
                model.append((sender, sequence))
                if model.count > capacity { model.removeFirst() }
            }
        }
    }
}
