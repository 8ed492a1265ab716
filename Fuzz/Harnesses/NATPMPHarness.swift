import CNATPMP
import NATPMPMapping
import PorticoCore

#if canImport(Glibc)
import Glibc
#endif

/// A gateway's NAT-PMP answer, through the same path as on the camera: the datagram
/// arrives on a UDP socket, libnatpmp reads and decodes it (`readnatpmpresponseorretry`),
/// and Portico reads what it says (`NATPMPReply`). The socket is on loopback (the
/// gateway is 127.0.0.1); libnatpmp itself is not instrumented, so coverage guides the
/// fuzzer through Portico's side only.
///
/// The first byte picks the request being answered (public address or TCP mapping);
/// the rest is the datagram. Invariants: a well-formed success answer (RFC 6886) means
/// what its bytes say; a mapping's ports are ports; a mapping is taken only for the
/// internal port asked, and never port 0 or lifetime 0 (a deletion's answer); the
/// restart detector never counts an epoch that kept time.
package enum NATPMPHarness {
    /// The camera's request the answers are read against.
    static let request = PortMappingRequest(
        externalPort: 8080, internalAddress: "198.51.100.11", internalPort: 8080, lease: .seconds(10), description: "portico:fuzz")

    package static func run(_ input: [UInt8]) throws(InvariantViolation) {
        var choices = FuzzInput(input)
        let type = UInt16(choices.byte() % 2 == 0 ? NATPMP_RESPTYPE_PUBLICADDRESS : NATPMP_RESPTYPE_TCPPORTMAPPING)
        let datagram = Array(choices.rest())
        let (status, response) = Loopback.shared.deliver(datagram)
        let reply = Result { () throws(MappingError) in
            try NATPMPReply.read(status: status, response: response, answering: type, doing: "read the fuzz answer")
        }
        if let expected = expectedReply(datagram, type: type) {
            try InvariantViolation.check(reply == .success(expected), "'\(datagram)' read as \(reply), RFC 6886 says \(expected)")
        }
        switch reply {
        case .success(.mapping(let privatePort, let publicPort, let lifetime)?):
            try InvariantViolation.check((0...65535).contains(privatePort) && (0...65535).contains(publicPort), "ports \(privatePort), \(publicPort)")
            try InvariantViolation.check(lifetime >= .zero && lifetime <= .seconds(UInt32.max), "lifetime \(lifetime)")
            let mapping = Result { () throws(MappingError) in try reply.get()!.portMapping(for: request) }
            if privatePort == request.internalPort && publicPort != 0 && lifetime > .zero {
                try InvariantViolation.check((try? mapping.get())?.externalPort == publicPort, "granted \(publicPort), taken as \(mapping)")
            } else {
                try InvariantViolation.check((try? mapping.get()) == nil,
                                             "internal port \(privatePort), port \(publicPort) for \(lifetime) was taken as a mapping")
            }
        case .success(.publicAddress(let address)?):
            try InvariantViolation.check(IPv4.isDottedQuad(address), "external address '\(address)'")
        default:
            break
        }
        try epochs(FuzzInput(datagram))
    }

    /// What RFC 6886 says a complete success answer of `type` means; nil for anything else.
    static func expectedReply(_ datagram: [UInt8], type: UInt16) -> NATPMPReply? {
        let isAddress = type == UInt16(NATPMP_RESPTYPE_PUBLICADDRESS)
        guard datagram.count >= (isAddress ? 12 : 16), datagram[0] == 0, datagram[1] == 128 + UInt8(type),
              datagram[2] == 0, datagram[3] == 0 else { return nil }
        func number(_ range: Range<Int>) -> Int { datagram[range].reduce(0) { $0 << 8 | Int($1) } }
        if isAddress { return .publicAddress(datagram[8..<12].map(String.init).joined(separator: ".")) }
        return .mapping(privatePort: number(8..<10), publicPort: number(10..<12), lifetime: .seconds(number(12..<16)))
    }

    /// A router's epoch seen over time: when it advances with the clock, no restart.
    static func epochs(_ input: FuzzInput) throws(InvariantViolation) {
        var choices = input
        var watch = EpochWatch()
        let start = ContinuousClock.now
        var elapsed: Int64 = 0
        var epoch: UInt32 = UInt32(choices.uint16())
        watch.observe(epoch, at: start)
        for _ in 0..<16 where !choices.isAtEnd {
            let step = Int64(choices.byte())
            let keptTime = choices.byte() % 2 == 0
            elapsed += step
            let before = watch.restarts
            epoch = keptTime ? epoch &+ UInt32(step) : UInt32(choices.uint16())
            watch.observe(epoch, at: start + .seconds(elapsed))
            try InvariantViolation.check(watch.restarts >= before && watch.restarts <= before + 1, "restarts went \(before) → \(watch.restarts)")
            if keptTime && epoch >= UInt32(step) {
                try InvariantViolation.check(watch.restarts == before, "epoch \(epoch) after \(step) s counted as a restart")
            }
        }
    }

    /// A UDP socket libnatpmp reads from, and one that plays the gateway, both on 127.0.0.1.
    final class Loopback: Sendable {
        static let shared = Loopback()
        let receiver: Int32
        let sender: Int32
        let address: sockaddr_in

        private init() {
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            let receiver = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
            let sender = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
            precondition(receiver >= 0 && sender >= 0, "no UDP sockets: errno \(errno)")
            for fd in [receiver, sender] {
                let bound = withUnsafePointer(to: &address) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
                }
                precondition(bound == 0, "cannot bind to 127.0.0.1: errno \(errno)")
            }
            _ = fcntl(receiver, F_SETFL, fcntl(receiver, F_GETFL) | O_NONBLOCK)
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            _ = withUnsafeMutablePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(receiver, $0, &length) }
            }
            self.receiver = receiver
            self.sender = sender
            self.address = address
        }

        /// Sends `datagram` as the gateway, then lets libnatpmp read it as the answer to a
        /// pending request.
        func deliver(_ datagram: [UInt8]) -> (Int32, natpmpresp_t) {
            var to = address
            _ = datagram.withUnsafeBytes { bytes in
                withUnsafePointer(to: &to) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                        sendto(sender, bytes.baseAddress, bytes.count, 0, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                    }
                }
            }
            var handle = natpmp_t()
            handle.s = receiver
            handle.gateway = inet_addr("127.0.0.1")
            handle.has_pending_request = 1
            var response = natpmpresp_t()
            let status = readnatpmpresponseorretry(&handle, &response)
            return (status, response)
        }
    }
}
