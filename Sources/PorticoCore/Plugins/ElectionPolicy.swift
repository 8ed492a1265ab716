/// Decides how soon this camera claims the fixed port once the representative is gone,
/// and who yields when two claims meet.
///
/// Policies only compute; the election state machine sends the claims, compares terms
/// and asks the router, so every policy converges the same way and differs only in
/// how fast and how quietly.
package protocol ElectionPolicy: Sendable {
    /// The wait before claiming, given this camera and the others it knows of.
    /// `attempt` counts this camera's claims since the last representative, for back-off.
    func claimDelay(for candidate: ElectionCandidate, among peers: [ElectionCandidate], attempt: Int) -> Duration

    /// Whether `me` gives up its claim when `other` claimed in the same term.
    /// Returning false for both sides leaves the decision to the router (first-come).
    func yieldsOnCollision(_ other: ElectionCandidate, over me: ElectionCandidate) -> Bool

    /// With two representatives in one term (a healed partition), whether `other` should
    /// be the one that stays. Must be a strict order so exactly one stays.
    func prefers(_ other: ElectionCandidate, over me: ElectionCandidate) -> Bool
}

extension ElectionPolicy {
    /// Lower id stays: any strict order will do, and ids are unique.
    package func prefers(_ other: ElectionCandidate, over me: ElectionCandidate) -> Bool {
        other.id < me.id
    }
}

/// What an election policy may know about a camera.
package struct ElectionCandidate: Sendable, Equatable {
    package var id: String
    package var externalPort: Int?
    /// A value unique to the hardware (MAC address, serial), for the server-value policy.
    package var serverValue: String

    package init(id: String, externalPort: Int?, serverValue: String) {
        self.id = id
        self.externalPort = externalPort
        self.serverValue = serverValue
    }
}
