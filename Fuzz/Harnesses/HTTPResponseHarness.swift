import PorticoCore
import UPnPMapping

/// A router's (or an impostor's) HTTP answer to a control request, read as the UPnP
/// plugin reads it: incrementally, as the bytes arrive.
///
/// The first byte sets how the rest is cut into reads (1 to 64 bytes each); the rest is
/// the answer. Invariants: the answer read in pieces is the answer read at once (same
/// status and body, or both refused); a body is never larger than the reader's limit;
/// a status is an HTTP status. A second reader with a 256-byte limit reaches the limits.
package enum HTTPResponseHarness {
    package static func run(_ input: [UInt8]) throws(InvariantViolation) {
        var choices = FuzzInput(input)
        let size = 1 + Int(choices.byte()) % 64
        let answer = choices.rest()
        let pieces = stride(from: answer.startIndex, to: answer.endIndex, by: size).map {
            answer[$0..<min($0 + size, answer.endIndex)]
        }
        for limit in [64 * 1024, 256] {
            let whole = RouterReplyReaders.readHTTP([answer], limit: limit)
            let piecewise = RouterReplyReaders.readHTTP(pieces, limit: limit)
            for result in [whole, piecewise] {
                guard case .success(let reply) = result else { continue }
                try InvariantViolation.check(reply.body.count <= limit, "a body of \(reply.body.count) bytes passed a limit of \(limit)")
                try InvariantViolation.check((100...599).contains(reply.status), "status \(reply.status)")
            }
            // Under the small limit a long answer may be refused whole (more than the
            // limit buffered) yet complete piece by piece; below it they must agree.
            if answer.count <= limit {
                try InvariantViolation.check(succeeded(whole) == succeeded(piecewise) && (try? whole.get()) == (try? piecewise.get()),
                                             "read at once: \(whole); in reads of \(size) bytes: \(piecewise)")
            }
        }
    }

    private static func succeeded<T, E: Error>(_ result: Result<T, E>) -> Bool {
        if case .success = result { return true }
        return false
    }
}
