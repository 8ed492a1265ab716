/// Decides how soon this camera claims the fixed port once the representative is gone.
///
/// Policies only compute delays; the election state machine in the core sends the
/// claims, compares terms and settles collisions, so every policy converges the same way.
public protocol ElectionPolicy: Sendable {
    /// The wait before claiming, given this camera and the others it knows of.
    /// `attempt` counts claims that collided, for policies that back off.
    func claimDelay(for candidate: ElectionCandidate, among peers: [ElectionCandidate], attempt: Int) -> Duration
}

/// What an election policy may know about a camera.
public struct ElectionCandidate: Sendable, Equatable {
    public var id: String
    public var externalPort: Int?
    /// A value unique to the hardware (MAC address, serial), for the server-value policy.
    public var serverValue: String

    public init(id: String, externalPort: Int?, serverValue: String) {
        self.id = id
        self.externalPort = externalPort
        self.serverValue = serverValue
    }
}
