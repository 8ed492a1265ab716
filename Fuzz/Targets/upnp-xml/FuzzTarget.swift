import FuzzHarnesses

// `fuzz-upnp-xml`: UPnPXMLHarness as a libFuzzer target (built by scripts/fuzz with -DFUZZING),
// or, in a plain build, a tool that replays corpus and crash files through it.
#if FUZZING
import CFuzzer

@_cdecl("fuzz_upnp_xml_main")
func fuzzerMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> Int32 {
    var argc = argc
    var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = argv
    return LLVMFuzzerRunDriver(&argc, &argv) { data, size in
        let input = size == 0 ? [] : Array(UnsafeBufferPointer(start: data, count: size))
        do {
            try UPnPXMLHarness.run(input)
        } catch {
            fatalError("invariant: \(error)")
        }
        return 0
    }
}
#else
@main
enum Replay {
    static func main() {
        CorpusReplay.main(Array(CommandLine.arguments.dropFirst()), harness: UPnPXMLHarness.run)
    }
}
#endif
