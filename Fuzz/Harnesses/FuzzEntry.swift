#if FUZZING
import CFuzzer

/// What every fuzz target's two entry points do, so a target only names its harness and
/// its module's symbols (libFuzzer's C entry points cannot capture which harness to run).
package enum FuzzEntry {
    /// One input through `harness`; an invariant that fails is a crash libFuzzer keeps.
    package static func one(
        _ data: UnsafePointer<UInt8>?, _ size: Int, _ harness: ([UInt8]) throws(InvariantViolation) -> Void
    ) -> Int32 {
        let input = size == 0 ? [] : Array(UnsafeBufferPointer(start: data, count: size))
        do {
            try harness(input)
        } catch {
            fatalError("invariant: \(error)")
        }
        return 0
    }

    /// libFuzzer's driver over `testOneInput`, with the process's arguments.
    package static func driver(
        _ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>,
        _ testOneInput: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32
    ) -> Int32 {
        var argc = argc
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = argv
        return LLVMFuzzerRunDriver(&argc, &argv, testOneInput)
    }
}
#endif
