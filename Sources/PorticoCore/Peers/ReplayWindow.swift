/// Refuses a message whose sequence number a sender has used before, so a recorded
/// inquiry or claim cannot be played again to confuse an election.
///
/// Senders put the wall clock in microseconds into their sequence numbers, so numbers
/// keep increasing across a sender's restarts. Memory is bounded: past `capacity`
/// senders (far more cameras than a LAN holds) the least recently heard is forgotten.
/// Clocks of different cameras are not compared: a board without NTP must still join.
package struct ReplayWindow: Sendable {
    private var latest: [String: UInt64] = [:]
    private var order: [String] = []
    package let capacity: Int

    package init(capacity: Int = 256) {
        self.capacity = capacity
    }

    /// True, and remembered, when `sequence` is newer than anything `sender` sent before.
    package mutating func accept(sender: String, sequence: UInt64) -> Bool {
        if let last = latest[sender], sequence <= last { return false }
        if latest[sender] != nil { order.removeAll { $0 == sender } }
        latest[sender] = sequence
        order.append(sender)
        if order.count > capacity {
            latest[order.removeFirst()] = nil
        }
        return true
    }
}
