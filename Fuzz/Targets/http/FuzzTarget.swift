import FuzzHarnesses

// `fuzz-http`: HTTPResponseHarness as a libFuzzer target (built by scripts/fuzz with -DFUZZING),
// or, in a plain build, a tool that replays corpus and crash files through it.
#if FUZZING
import CFuzzer

/// libFuzzer's entry for one input. The sanitizer link takes libFuzzer's whole archive,
/// whose own main() refers to it, so it is defined even though the driver is handed it.
@_cdecl("LLVMFuzzerTestOneInput")
func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let input = size == 0 ? [] : Array(UnsafeBufferPointer(start: data, count: size))
    do {
        try HTTPResponseHarness.run(input)
    } catch {
        fatalError("invariant: \(error)")
    }
    return 0
}

/// SwiftPM links an executable's entry point as `<module>_main`.
@_cdecl("fuzz_http_main")
func fuzzerMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> Int32 {
    var argc = argc
    var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = argv
    return LLVMFuzzerRunDriver(&argc, &argv) { data, size in fuzzOneInput(data, size) }
}
#else
@main
enum Replay {
    static func main() {
        CorpusReplay.main(Array(CommandLine.arguments.dropFirst()), harness: HTTPResponseHarness.run)
    }
}
#endif
