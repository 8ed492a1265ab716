import FuzzHarnesses

// `fuzz-http`: HTTPResponseHarness as a libFuzzer target (built by scripts/fuzz with -DFUZZING),
// or, in a plain build, a tool that replays corpus and crash files through it.
#if FUZZING
import CFuzzer

@_cdecl("fuzz_http_main")
func fuzzerMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> Int32 {
    var argc = argc
    var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = argv
    return LLVMFuzzerRunDriver(&argc, &argv) { data, size in
        let input = size == 0 ? [] : Array(UnsafeBufferPointer(start: data, count: size))
        do {
            try HTTPResponseHarness.run(input)
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
        CorpusReplay.main(Array(CommandLine.arguments.dropFirst()), harness: HTTPResponseHarness.run)
    }
}
#endif
