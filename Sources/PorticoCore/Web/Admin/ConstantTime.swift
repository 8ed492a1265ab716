/// Secrets compared so that the time taken says nothing about where they differ: a
/// byte-by-byte comparison that stops at the first difference lets a client on the LAN
/// find a session id or a hash one byte at a time by timing the answers.
enum ConstantTime {
    /// Whether `a` and `b` are equal, looking at every byte of the longer whatever
    /// they hold. Lengths are not secret (every session id has the same).
    static func equal(_ a: some Collection<UInt8>, _ b: some Collection<UInt8>) -> Bool {
        var difference: UInt8 = a.count == b.count ? 0 : 1
        var left = a.makeIterator()
        var right = b.makeIterator()
        for _ in 0..<max(a.count, b.count) {
            difference |= (left.next() ?? 0) ^ (right.next() ?? 0)
        }
        return difference == 0
    }
}
