#if canImport(Glibc)
import Glibc
#endif

/// Files of this repository and the built executables, found from this source file.
package enum Repository {
    package static let root: String = {
        var parts = "\(#filePath)".split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(3)  // Tests/PorticoTestSupport/Repository.swift
        return parts.joined(separator: "/")
    }()

    package static func path(_ relative: String) -> String { root + "/" + relative }

    package static func read(_ relative: String) throws -> String {
        try readAbsolute(path(relative))
    }

    package static func readAbsolute(_ path: String) throws -> String {
        String(decoding: try readBytes(path), as: UTF8.self)
    }

    package static func readBytes(_ path: String) throws -> [UInt8] {
        guard let file = fopen(path, "r") else { throw TestFailure("cannot open \(path)") }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = fread(&buffer, 1, buffer.count, file)
            if count == 0 { break }
            bytes += buffer[0..<count]
        }
        return bytes
    }

    /// The `portico` executable built beside this program (the test bundle, or
    /// `portico-bench`): the one the tests and the benchmarks start.
    package static var executable: String {
        var buffer = [CChar](repeating: 0, count: 4096)
        let count = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        let bundle = String(decoding: buffer[0..<max(0, count)].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let folder = bundle.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
        return folder + "/portico"
    }
}

package struct TestFailure: Error, CustomStringConvertible {
    package let description: String
    package init(_ description: String) { self.description = description }
}
