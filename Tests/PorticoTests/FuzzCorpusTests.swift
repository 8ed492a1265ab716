import FuzzHarnesses
import PorticoCore
import Testing

@testable import portico

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

    /// The profile harness loads profiles with the plugins the executable compiles in.
    @Test func profileHarnessKnowsEveryCompiledInPlugin() {
        let fuzzed = ProfileHarness.registry
        let built = CompiledInPlugins.registry
        #expect(fuzzed.cameraSources.map(\.name) == built.cameraSources.map(\.name))
        #expect(fuzzed.mappingBackends.map(\.name) == built.mappingBackends.map(\.name))
        #expect(fuzzed.electionPolicies.map(\.name) == built.electionPolicies.map(\.name))
        #expect(fuzzed.panTiltDrivers.map(\.name) == built.panTiltDrivers.map(\.name))
        #expect(fuzzed.registrationSwitches.map(\.name) == built.registrationSwitches.map(\.name))
    }
}
