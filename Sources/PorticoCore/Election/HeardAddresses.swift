/// The LAN addresses that cameras of the site have sent authenticated messages from:
/// what makes an entry of the router's table a camera of the site rather than any host
/// on the LAN that asked the router for a mapping described `portico:<name>`.
///
/// One address per sender, its latest: a camera whose address changed (a DHCP renewal
/// handing out another) no longer vouches for its old one, whose mapping may outlive
/// the move by a lease where the router will not let it be deleted from the new address.
///
/// Bounded: only holders of the site key add to it, but no input may grow memory without
/// limit. Past `capacity` the address heard from longest ago goes first; it is aged out
/// like the election's peers, so in practice it holds the site's cameras and no more.
package struct HeardAddresses: Sendable {
    package let capacity: Int
    private var byAddress: [String: (sender: String, lastHeard: Duration)] = [:]
    /// The inverse of `byAddress`: each sender's one address.
    private var bySender: [String: String] = [:]

    package init(capacity: Int = 256) {
        self.capacity = max(1, capacity)
    }

    package var count: Int { byAddress.count }

    package func contains(_ address: String) -> Bool { byAddress[address] != nil }

    /// `sender` sent an authenticated message naming `address` as its own.
    package mutating func heard(_ sender: String, at address: String, now: Duration) {
        if let previous = bySender[sender], previous != address { byAddress[previous] = nil }
        if let other = byAddress[address]?.sender, other != sender { bySender[other] = nil }
        byAddress[address] = (sender, now)
        bySender[sender] = address
        while byAddress.count > capacity, let oldest = byAddress.min(by: { $0.value.lastHeard < $1.value.lastHeard }) {
            remove(oldest.key)
        }
    }

    /// Drops addresses not heard from for `age`, except those in `keeping` (still mapped
    /// on the router: a camera that went silent stays listed until its mapping is gone).
    package mutating func forget(olderThan age: Duration, at now: Duration, keeping: Set<String> = []) {
        for (address, entry) in byAddress where now - entry.lastHeard > age && !keeping.contains(address) {
            remove(address)
        }
    }

    private mutating func remove(_ address: String) {
        guard let entry = byAddress.removeValue(forKey: address) else { return }
        if bySender[entry.sender] == address { bySender[entry.sender] = nil }
    }
}
