import FuzzHarnesses
import PorticoCore
import PorticoTestSupport
import Testing

/// Every input kept in a harness's corpus (the seeds, and each crash the fuzzer found)
/// replayed through the harness the fuzzer ran it through, in the normal build: a fixed
/// crash that comes back crashes this test, a broken invariant fails it.
@Suite struct FuzzCorpusTests {
    static var harnesses: [(name: String, run: ([UInt8]) throws(InvariantViolation) -> Void)] { [
        ("profile", ProfileHarness.run),
        ("peers", PeerHarness.run),
        ("http", HTTPResponseHarness.run),
        ("upnp-xml", UPnPXMLHarness.run),
        ("natpmp", NATPMPHarness.run),
    ] }

    @Test(arguments: harnesses.map(\.name))
    func corpusReplays(_ name: String) throws {
        let run = try #require(Self.harnesses.first { $0.name == name }).run
        let files = CorpusReplay.files(at: Repository.path("Fuzz/Corpus/\(name)"))
        #expect(files.count >= 3, "the \(name) corpus has \(files.count) seeds")
        for file in files {
            let input = try #require(CorpusReplay.read(file))
            do {
                try run(input)
            } catch {
                Issue.record("\(file): \(error)")
            }
        }
    }
}
