import FuzzHarnesses

// `fuzz-natpmp`: NATPMPHarness as a libFuzzer target (built by scripts/fuzz with -DFUZZING),
// or, in a plain build, a tool that replays corpus and crash files through it.
#if FUZZING
/// libFuzzer's entry for one input. The sanitizer link takes libFuzzer's whole archive,
/// whose own main() refers to it, so it is defined even though the driver is handed it.
@_cdecl("LLVMFuzzerTestOneInput")
func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    FuzzEntry.one(data, size, NATPMPHarness.run)
}

/// SwiftPM links an executable's entry point as `<module>_main`.
@_cdecl("fuzz_natpmp_main")
func fuzzerMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> Int32 {
    FuzzEntry.driver(argc, argv) { fuzzOneInput($0, $1) }
}
#else
@main
enum Replay {
    static func main() {
        CorpusReplay.main(Array(CommandLine.arguments.dropFirst()), harness: NATPMPHarness.run)
    }
}
#endif
