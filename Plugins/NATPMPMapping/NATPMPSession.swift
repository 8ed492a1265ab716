import CNATPMP
import PorticoCore

#if canImport(Glibc)
import Glibc
#endif

/// One libnatpmp socket to the gateway, and what its answers told us about the router.
/// Only used under the backend's lock, one request at a time, as libnatpmp requires.
struct NATPMPSession: ~Copyable {
    private var handle = natpmp_t()
    private var open = false
    var epochs = EpochWatch()

    deinit {
        if open {
            var handle = handle
            closenatpmp(&handle)
        }
    }

    /// Sends a request and waits for its answer: an answer of `type` that `answers`
    /// accepts. Others are late answers to earlier requests (a resend can be answered
    /// twice), skipped.
    ///
    /// Resent every `resendInterval`, not at libnatpmp's doubling 250 ms, 500 ms, 1 s,
    /// 2 s… (RFC 6886's schedule for a gateway that may be absent): the gateway is one hop
    /// away on the LAN, and exchanges with it are carried out one at a time, in order.
    /// Under the doubling, two datagrams lost in a row held up every exchange queued
    /// behind for 1.75 s, three for 3.75 s: on a failover path at 20% loss, seconds.
    /// At a fixed interval a loss costs one interval; a gateway that does not answer at
    /// all gets a datagram every 250 ms until the profile's timeout (5 s by default).
    mutating func exchange(
        gateway: String?, timeout: Duration, expecting type: UInt16, answers: (NATPMPReply) -> Bool = { _ in true },
        _ send: (UnsafeMutablePointer<natpmp_t>) -> Int32
    ) throws(MappingError) -> NATPMPReply {
        if !open {
            let status = gateway.map { initnatpmp(&handle, 1, inet_addr($0)) } ?? initnatpmp(&handle, 0, 0)
            guard status >= 0 else {
                throw Self.error(status, doing: "open a NAT-PMP socket to \(gateway ?? "the default gateway")")
            }
            open = true
        }
        drainLateAnswers()
        let sent = send(&handle)
        guard sent >= 0 else {
            reset()
            throw Self.error(sent, doing: "send a NAT-PMP request")
        }
        let deadline = ContinuousClock.now + timeout
        var response = natpmpresp_t()
        while true {
            // libnatpmp waits 250 ms << try_number before its next resend: kept at the first.
            handle.try_number = 0
            var retry = timeval()
            getnatpmprequesttimeout(&handle, &retry)
            let remaining = deadline - ContinuousClock.now
            guard remaining > .zero else {
                reset()
                throw MappingError(.unreachable, message: "no NAT-PMP answer from \(gateway ?? "the default gateway") within \(ProfileDuration.format(timeout)); is NAT-PMP enabled on the router?")
            }
            let untilRetry = Int(retry.tv_sec) * 1000 + Int(retry.tv_usec) / 1000
            let (seconds, attoseconds) = remaining.components
            let wait = max(0, min(untilRetry, Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000) + 1))
            var descriptor = pollfd(fd: handle.s, events: Int16(POLLIN), revents: 0)
            _ = poll(&descriptor, 1, Int32(wait))
            let status = readnatpmpresponseorretry(&handle, &response)
            if status == portico_natpmp_tryagain { continue }
            if status < 0 && status != NATPMP_ERR_NOTAUTHORIZED && status != NATPMP_ERR_NETWORKFAILURE && status != NATPMP_ERR_OUTOFRESOURCES {
                reset()
            }
            guard let reply = try NATPMPReply.read(status: status, response: response, answering: type, doing: "read the NAT-PMP answer"),
                  answers(reply) else {
                // A late answer to an earlier request. libnatpmp took it for the answer and
                // stopped waiting: the request is still pending.
                handle.has_pending_request = 1
                continue
            }
            epochs.observe(response.epoch, at: .now)
            return reply
        }
    }

    /// Answers still arriving for earlier requests (to their resends) are read and dropped
    /// before a new request goes out, so none can be taken for its answer.
    private mutating func drainLateAnswers() {
        guard open else { return }
        var buffer = [UInt8](repeating: 0, count: 64)
        for _ in 0..<64 {
            let read = buffer.withUnsafeMutableBytes { recv(handle.s, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
            if read < 0 { return }
        }
    }

    private mutating func reset() {
        if open { closenatpmp(&handle) }
        open = false
        handle = natpmp_t()
    }

    static func error(_ status: Int32, doing what: String) -> MappingError {
        NATPMPReply.error(status, doing: what)
    }
}

/// Notices a router restart from NAT-PMP's "seconds since start of epoch" (RFC 6886 §3.6):
/// a router that restarted reports fewer seconds than the time that has passed implies.
package struct EpochWatch {
    private var last: (epoch: UInt32, at: ContinuousClock.Instant)?
    package private(set) var restarts = 0

    package init() {}

    package mutating func observe(_ epoch: UInt32, at now: ContinuousClock.Instant) {
        defer { last = (epoch, now) }
        guard let last else { return }
        let elapsed = now - last.at
        let expected = Int64(last.epoch) + elapsed.components.seconds * 7 / 8 - 2
        if Int64(epoch) < expected { restarts += 1 }
    }
}
