/// A dictionary that holds at most `capacity` entries: storing a new key when full
/// forgets the one stored or read least recently.
///
/// Making room scans every entry, which is fine for the sizes it is used at (a
/// thousand records written at most once per slowed-down password guess) and keeps
/// the type a dictionary and a counter.
struct LeastRecentlyUsed<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    let capacity: Int
    private var entries: [Key: (value: Value, used: UInt64)] = [:]
    private var clock: UInt64 = 0

    init(capacity: Int) {
        self.capacity = max(capacity, 1)
    }

    var count: Int { entries.count }

    /// The value for `key`, which then counts as just used.
    mutating func value(for key: Key) -> Value? {
        guard let entry = entries[key] else { return nil }
        clock &+= 1
        entries[key] = (entry.value, clock)
        return entry.value
    }

    /// The value for `key` without making it recent.
    func peek(_ key: Key) -> Value? { entries[key]?.value }

    mutating func set(_ value: Value, for key: Key) {
        if entries[key] == nil, entries.count >= capacity,
           let oldest = entries.min(by: { $0.value.used < $1.value.used })?.key {
            entries[oldest] = nil
        }
        clock &+= 1
        entries[key] = (value, clock)
    }

    mutating func remove(_ key: Key) {
        entries[key] = nil
    }
}
