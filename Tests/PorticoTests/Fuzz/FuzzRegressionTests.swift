import FuzzHarnesses
import PorticoCore
import PorticoTestSupport
import Testing
import UPnPMapping

/// Inputs the fuzzers found that broke a reader, each replayed through the harness that
/// found it (the file stays in that harness's corpus) and checked for the behaviour
/// the fix gives.
@Suite struct FuzzRegressionTests {
    static func corpus(_ harness: String, _ name: String) throws -> [UInt8] {
        try Repository.readBytes(Repository.path("Fuzz/Corpus/\(harness)/\(name)"))
    }

    /// A reply without Content-Length (a header line ending in TAB LF hid it) is read
    /// until the connection closes; its body was bounded only by the header's slack
    /// above the limit, so a body larger than the limit was taken.
    @Test func untilCloseBodyOverTheLimitIsRefused() throws {
        try HTTPResponseHarness.run(try Self.corpus("http", "crash-until-close-body-over-limit"))

        let answer = Array("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n".utf8) + [UInt8](repeating: 0x61, count: 257)
        let whole = RouterReplyReaders.readHTTP([answer[...]], limit: 256)
        #expect((try? whole.get()) == nil)
        if case .failure(let error) = whole { #expect(error.code == .malformedReply) }
        let exact = RouterReplyReaders.readHTTP([answer.dropLast()[...]], limit: 256)
        #expect((try? exact.get())?.body.count == 256)
    }
}
