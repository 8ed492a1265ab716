#if canImport(Glibc)
import Glibc
#endif
import PorticoCore

/// One control request, sent over `opening` fresh TCP connections and, while none has
/// answered, over another one after `stagger`, then after twice as long each time (up to
/// a second); the first answer wins and the other connections are reset.
///
/// Why not one connection and its timeout: on a lossy LAN a lost SYN costs a second
/// (Linux's first SYN retransmission) and a lost segment a fifth of one, so a single
/// exchange is often slow and a claim of the fixed port, three exchanges, would take
/// seconds. Parallel attempts lose packets independently: one of them usually gets
/// through at once.
///
/// Why not libupnp's `UpnpSendActionAsync`: it can neither be bounded nor cancelled (its
/// connect has no timeout at all), so an exchange given up on could still reach the
/// router seconds later, after newer ones, and map a port that was given back. Here every
/// connection is closed with a reset when the exchange ends, so none is retransmitted
/// after that: what was not already on its way to the router by then never reaches it,
/// and exchanges take effect in the order they were made.
/// The waits grow as TCP's retransmissions do: a router that has not answered two or
/// three connections is more likely busy than unlucky, and every further connection is
/// one more request it carries out before the next camera's.
/// Duplicates that the router did read are harmless, as every action Portico sends is
/// idempotent (a second AddPortMapping of the same mapping renews it, a second
/// DeletePortMapping answers 714, which counts as done).
struct HedgedExchange: Sendable {
    let request: ControlRequest
    /// The address to send from: the interface the gateway was found on.
    let localAddress: String
    /// The wait before the first connection beyond `opening`; each further one waits
    /// twice as long as the one before, up to `staggerCeiling`.
    let stagger: Duration
    var staggerCeiling: Duration = HedgePacing.ceiling
    let maximumAttempts: Int
    let timeout: Duration
    /// Connections opened at once at the start.
    var opening = 1

    struct Answer: Sendable {
        let response: HTTPResponse
        /// How long the attempt that answered took: the router's own speed, for the pacing.
        let attemptTime: Duration
        let attempts: Int
    }

    private enum Stage { case connecting, sending(sent: Int), reading, failed }

    private struct Attempt {
        let socket: Int32
        let started: ContinuousClock.Instant
        var stage: Stage = .connecting
        var reader = HTTPResponse.Reader()
    }

    /// Blocks until an answer, the timeout, or `stop`; call it on a dedicated thread.
    func runBlocking(stop: StopFlag) -> Result<Answer, MappingError> {
        let start = ContinuousClock.now
        let deadline = start + timeout
        var attempts: [Attempt] = []
        var nextStart = start
        var lastError: MappingError?
        defer { for attempt in attempts where attempt.socket >= 0 { Self.reset(attempt.socket) } }

        while true {
            if stop.isSet {
                return .failure(MappingError(.unreachable, message: "\(request.action): cancelled before the router answered"))
            }
            var now = ContinuousClock.now
            if now >= deadline {
                return .failure(MappingError(.unreachable, message: "\(request.action): the router did not answer within \(ProfileDuration.format(timeout))"
                    + (lastError.map { " (\($0.message))" } ?? "")))
            }
            let live = attempts.filter { if case .failed = $0.stage { false } else { true } }.count
            if attempts.count < maximumAttempts && (now >= nextStart || live == 0) {
                switch open() {
                case .success(let socket): attempts.append(Attempt(socket: socket, started: now))
                case .failure(let error):
                    lastError = error
                    attempts.append(Attempt(socket: -1, started: now, stage: .failed))
                }
                if attempts.count >= opening { nextStart = now + HedgePacing.wait(after: attempts.count - opening, first: stagger, ceiling: staggerCeiling) }
                continue
            }
            if live == 0 {
                return .failure(lastError ?? MappingError(.unreachable, message: "\(request.action): no connection to the router"))
            }

            var fds = attempts.map { attempt -> pollfd in
                switch attempt.stage {
                case .connecting, .sending: pollfd(fd: attempt.socket, events: Int16(POLLOUT), revents: 0)
                case .reading: pollfd(fd: attempt.socket, events: Int16(POLLIN), revents: 0)
                case .failed: pollfd(fd: -1, events: 0, revents: 0)
                }
            }
            var wait = min(deadline - now, .milliseconds(50))
            if attempts.count < maximumAttempts { wait = min(wait, max(.zero, nextStart - now)) }
            let milliseconds = Int32(max(0, (wait / .milliseconds(1)).rounded(.up)))
            let ready = poll(&fds, nfds_t(fds.count), milliseconds)
            if ready < 0 && errno != EINTR {
                return .failure(MappingError(.unreachable, message: "\(request.action): poll failed (errno \(errno))"))
            }
            guard ready > 0 else { continue }
            now = ContinuousClock.now
            for index in attempts.indices where fds[index].revents != 0 {
                switch step(&attempts[index]) {
                case .none: break
                case .some(.success(let response)):
                    return .success(Answer(response: response, attemptTime: now - attempts[index].started, attempts: attempts.count))
                case .some(.failure(let error)):
                    if case .failed = attempts[index].stage {
                        lastError = error
                    } else {
                        return .failure(error)  // the router answered, but nonsense: another attempt would get the same
                    }
                }
            }
        }
    }

    // MARK: - One connection

    /// Advances one attempt whose socket is ready: nil while it goes on, its outcome when
    /// it ends. A failed connection marks the attempt failed; a broken answer does not.
    private func step(_ attempt: inout Attempt) -> Result<HTTPResponse, MappingError>? {
        switch attempt.stage {
        case .connecting:
            var error: Int32 = 0
            var length = socklen_t(MemoryLayout<Int32>.size)
            getsockopt(attempt.socket, SOL_SOCKET, SO_ERROR, &error, &length)
            guard error == 0 else { return fail(&attempt, errno: error, doing: "connecting") }
            attempt.stage = .sending(sent: 0)
            return step(&attempt)
        case .sending(let sent):
            let count = request.bytes[sent...].withUnsafeBytes { send(attempt.socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if count < 0 {
                if errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR { return nil }
                return fail(&attempt, errno: errno, doing: "sending")
            }
            attempt.stage = sent + count >= request.bytes.count ? .reading : .sending(sent: sent + count)
            return nil
        case .reading:
            var buffer = [UInt8](repeating: 0, count: 8192)
            let count = buffer.withUnsafeMutableBytes { recv(attempt.socket, $0.baseAddress, $0.count, 0) }
            if count < 0 {
                if errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR { return nil }
                return fail(&attempt, errno: errno, doing: "reading the answer")
            }
            do throws(MappingError) {
                if count == 0 { return .success(try attempt.reader.closed()) }
                return try attempt.reader.append(buffer[0..<count]).map { .success($0) }
            } catch {
                return .failure(MappingError(error.code, message: "\(request.action): \(error.message)"))
            }
        case .failed:
            return nil
        }
    }

    private func fail(_ attempt: inout Attempt, errno code: Int32, doing what: String) -> Result<HTTPResponse, MappingError> {
        Self.reset(attempt.socket)
        attempt = Attempt(socket: -1, started: attempt.started, stage: .failed)
        let reason = String(cString: strerror(code))
        let advice = code == ECONNREFUSED ? "; it may have restarted on another port" : ""
        return .failure(MappingError(.unreachable, message: "\(request.action): \(what) to the router at \(request.host):\(request.port) failed: \(reason)\(advice)"))
    }

    /// A non-blocking TCP socket, bound to the local address, connecting to the router.
    private func open() -> Result<Int32, MappingError> {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard socket >= 0 else {
            return .failure(MappingError(.unreachable, message: "\(request.action): no socket (\(String(cString: strerror(errno))))"))
        }
        var one: Int32 = 1
        setsockopt(socket, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        var local = sockaddr_in()
        local.sin_family = sa_family_t(AF_INET)
        inet_pton(AF_INET, localAddress, &local.sin_addr)
        var remote = sockaddr_in()
        remote.sin_family = sa_family_t(AF_INET)
        remote.sin_port = request.port.bigEndian
        inet_pton(AF_INET, request.host, &remote.sin_addr)
        let bound = withUnsafePointer(to: &local) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        let connected = withUnsafePointer(to: &remote) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        if bound != 0 || (connected != 0 && errno != EINPROGRESS) {
            let reason = String(cString: strerror(errno))
            close(socket)
            return .failure(MappingError(.unreachable, message: "\(request.action): cannot connect from \(localAddress) to the router at \(request.host):\(request.port): \(reason)"))
        }
        return .success(socket)
    }

    /// Closes with a reset: no SYN or segment of this connection is sent again.
    private static func reset(_ socket: Int32) {
        guard socket >= 0 else { return }
        var linger = Glibc.linger(l_onoff: 1, l_linger: 0)
        setsockopt(socket, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<Glibc.linger>.size))
        close(socket)
    }
}
