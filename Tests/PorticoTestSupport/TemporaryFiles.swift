#if canImport(Glibc)
import Glibc
#endif

/// Writes `text` to a new temporary file and returns its path.
package func temporaryProfile(_ text: String) throws -> String {
    var template = Array("/tmp/portico-profile-XXXXXX.toml".utf8CString)
    let fd = template.withUnsafeMutableBufferPointer { mkstemps($0.baseAddress!, 5) }
    guard fd >= 0 else { throw TestFailure("cannot create a temporary profile") }
    let bytes = Array(text.utf8)
    _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
    close(fd)
    return String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
}

/// A new empty folder of its own under /tmp, for a camera's state.
package func temporaryFolder() throws -> String {
    var template = Array("/tmp/portico-state-XXXXXX".utf8CString)
    guard template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) != nil else { throw TestFailure("mkdtemp failed") }
    return String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
}
