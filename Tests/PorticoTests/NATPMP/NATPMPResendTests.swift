#if canImport(Glibc)
import Glibc
#endif
import Foundation
import NATPMPMapping
import PorticoCore
import PorticoTestSupport
import Synchronization
import Testing

/// The NAT-PMP backend against a gateway on a loopback address that loses requests or
/// sends stale answers: real libnatpmp, real UDP sockets.
@Suite("NAT-PMP exchanges on a lossy link", .serialized)
struct NATPMPResendTests {
    /// A NAT-PMP gateway on `address`:5351 that ignores the first `dropping` requests and
    /// answers each later one with `answers(request)` (each datagram sent in turn).
    /// Returns when a request has been answered, or after `limit`, with each request's
    /// arrival time.
    static func gateway(
        on address: String, dropping: Int, limit: Duration = .seconds(8),
        answers: @escaping @Sendable (_ internalPort: UInt16, _ externalPort: UInt16) -> [[UInt8]]
    ) throws -> (Int32, @Sendable () async throws -> [ContinuousClock.Instant]) {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        guard socket >= 0 else { throw TestFailure("socket: \(errno)") }
        var local = sockaddr_in()
        local.sin_family = sa_family_t(AF_INET)
        local.sin_port = in_port_t(5351).bigEndian
        local.sin_addr.s_addr = inet_addr(address)
        let bound = withUnsafePointer(to: &local) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else { throw TestFailure("bind \(address):5351: \(errno)") }
        @Sendable func serving() -> [ContinuousClock.Instant] {
            var arrivals: [ContinuousClock.Instant] = []
            let end = ContinuousClock.now + limit
            while ContinuousClock.now < end {
                var descriptor = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
                guard poll(&descriptor, 1, 50) > 0 else { continue }
                var buffer = [UInt8](repeating: 0, count: 64)
                var peer = sockaddr_in()
                var length = socklen_t(MemoryLayout<sockaddr_in>.size)
                let read = withUnsafeMutablePointer(to: &peer) { peer in
                    peer.withMemoryRebound(to: sockaddr.self, capacity: 1) { recvfrom(socket, &buffer, buffer.count, 0, $0, &length) }
                }
                guard read >= 12, buffer[1] == 2 else { continue }
                arrivals.append(.now)
                guard arrivals.count > dropping else { continue }
                let internalPort = UInt16(buffer[4]) << 8 | UInt16(buffer[5])
                let externalPort = UInt16(buffer[6]) << 8 | UInt16(buffer[7])
                for datagram in answers(internalPort, externalPort) {
                    _ = withUnsafePointer(to: &peer) { peer in
                        peer.withMemoryRebound(to: sockaddr.self, capacity: 1) { sendto(socket, datagram, datagram.count, 0, $0, length) }
                    }
                }
                return arrivals
            }
            return arrivals
        }
        // The gateway's thread starts here, not when a task first runs `serve`: with the
        // test run's other suites keeping the concurrency pool busy, a gateway that waited
        // for a pool thread would miss the requests it is there to answer.
        let run = GatewayRun()
        Thread { run.finish(serving()) }.start()
        return (socket, { await run.arrivals() })
    }

    /// A TCP mapping answer (RFC 6886 §3.3).
    static func answer(internalPort: UInt16, externalPort: UInt16, lifetime: UInt32) -> [UInt8] {
        [0, 130, 0, 0, 0, 0, 0, 100,
         UInt8(internalPort >> 8), UInt8(internalPort & 0xFF), UInt8(externalPort >> 8), UInt8(externalPort & 0xFF),
         UInt8(lifetime >> 24), UInt8(lifetime >> 16 & 0xFF), UInt8(lifetime >> 8 & 0xFF), UInt8(lifetime & 0xFF)]
    }

    static func request(internalPort: Int = 8080) -> PortMappingRequest {
        PortMappingRequest(externalPort: 8080, internalAddress: "127.0.0.1", internalPort: internalPort, lease: .seconds(3), description: "portico:cam1")
    }

    @Test("requests lost in a row are sent again every 250 ms, not at doubling intervals")
    func fixedResend() async throws {
        let (socket, serve) = try Self.gateway(on: "127.0.0.61", dropping: 4) { internalPort, externalPort in
            [Self.answer(internalPort: internalPort, externalPort: externalPort, lifetime: 3)]
        }
        defer { close(socket) }
        let backend = NATPMPMapping(settings: MappingSettings(timeout: .seconds(5)), gateway: "127.0.0.61")
        async let arrivals = serve()
        let granted = try await backend.map(Self.request())
        let times = try await arrivals
        // Measured on the wire, first request to the one answered: in a full parallel
        // test run the task awaiting the grant can wait long for a pool thread to resume
        // it, which says nothing of the resends.
        let took = (times.last ?? .now) - (times.first ?? .now)
        #expect(granted.externalPort == 8080 && granted.lease == .seconds(3))
        #expect(times.count == 5)
        let gaps = zip(times.dropFirst(), times).map { $0 - $1 }
        // libnatpmp's own schedule: 250, 500, 1000, 2000 ms (3.75 s in all); here each
        // about 250 ms. The bounds leave room for a busy machine, not for the doubling.
        #expect(gaps.allSatisfy { $0 < .milliseconds(900) }, "\(gaps)")
        #expect(took < .milliseconds(2500), "four losses cost \(took)")
    }

    @Test("an answer for another internal port, or a deletion's, is a late one: skipped, the right one taken")
    func staleAnswerSkipped() async throws {
        let (socket, serve) = try Self.gateway(on: "127.0.0.62", dropping: 0) { internalPort, externalPort in
            [Self.answer(internalPort: internalPort &+ 7, externalPort: 8093, lifetime: 3),
             Self.answer(internalPort: internalPort, externalPort: 0, lifetime: 0),
             Self.answer(internalPort: internalPort, externalPort: externalPort, lifetime: 3)]
        }
        defer { close(socket) }
        let backend = NATPMPMapping(settings: MappingSettings(timeout: .seconds(3)), gateway: "127.0.0.62")
        async let arrivals = serve()
        let granted = try await backend.map(Self.request(internalPort: 8090))
        _ = try await arrivals
        #expect(granted.externalPort == 8080 && granted.internalPort == 8090)
    }

    /// The site's loop reads the router's generation every turn; while an exchange waits
    /// for a silent gateway that read must not wait with it, or the camera stops hearing
    /// its peers and sending inquiries until the exchange times out.
    @Test("the router's generation is read at once while an exchange waits for the gateway")
    func generationWhileWaiting() async throws {
        let (socket, serve) = try Self.gateway(on: "127.0.0.63", dropping: .max, limit: .seconds(3)) { _, _ in [] }
        defer { close(socket) }
        let backend = NATPMPMapping(settings: MappingSettings(timeout: .seconds(2)), gateway: "127.0.0.63")
        let exchange = Task { () -> MappingError? in
            do throws(MappingError) { _ = try await backend.map(Self.request()); return nil } catch { return error }
        }
        // Well into the exchange's 2 s of resends.
        try await Task.sleep(for: .milliseconds(400))
        let started = ContinuousClock.now
        let generation = backend.routerGeneration
        let took = ContinuousClock.now - started
        let error = await exchange.value
        _ = try await serve()
        #expect(generation == 0)
        #expect(took < .milliseconds(300), "reading the generation waited \(took) for the exchange")
        #expect(error?.code == .unreachable, "\(String(describing: error))")
    }
}

/// The arrivals the gateway's thread saw, handed over once it ends.
final class GatewayRun: Sendable {
    private let result = Mutex<[ContinuousClock.Instant]?>(nil)

    func finish(_ arrivals: [ContinuousClock.Instant]) {
        result.withLock { $0 = arrivals }
    }

    func arrivals() async -> [ContinuousClock.Instant] {
        while true {
            if let arrivals = result.withLock({ $0 }) { return arrivals }
            try? await Task.sleep(for: .milliseconds(20))
        }
    }
}
