#if canImport(Glibc)
import Glibc
#endif

/// The harness executables in a build without libFuzzer: they replay corpus and crash
/// files, so a crash found by the fuzzer can be run again in a debugger or plain build.
package enum CorpusReplay {
    /// Runs `harness` on every file named in `arguments`, and on every file in every
    /// folder named there. Exits 1 when an invariant fails (a crash stops the process).
    package static func main(_ arguments: [String], harness: ([UInt8]) throws(InvariantViolation) -> Void) -> Never {
        guard !arguments.isEmpty else {
            print("usage: \(CommandLine.arguments.first ?? "fuzz-X") FILE|FOLDER...  (replays inputs; build with scripts/fuzz to fuzz)")
            exit(2)
        }
        var replayed = 0
        var failed = 0
        for path in arguments {
            for file in files(at: path) {
                guard let input = read(file) else {
                    print("\(file): unreadable")
                    failed += 1
                    continue
                }
                do {
                    try harness(input)
                } catch {
                    print("\(file): \(error)")
                    failed += 1
                }
                replayed += 1
            }
        }
        print("replayed \(replayed) inputs, \(failed) failed")
        exit(failed == 0 ? 0 : 1)
    }

    /// The files of a folder (not recursive), sorted; a file is itself.
    package static func files(at path: String) -> [String] {
        guard let folder = opendir(path) else { return [path] }
        defer { closedir(folder) }
        var names: [String] = []
        while let entry = readdir(folder) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if name != "." && name != ".." && !name.hasPrefix(".") { names.append(path + "/" + name) }
        }
        return names.sorted()
    }

    package static func read(_ path: String) -> [UInt8]? {
        guard let file = fopen(path, "rb") else { return nil }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = fread(&buffer, 1, buffer.count, file)
            if count <= 0 { break }
            bytes += buffer[0..<count]
        }
        return ferror(file) == 0 ? bytes : nil
    }
}
