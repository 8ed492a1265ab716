import PorticoCore

/// `policy = "first-come"`: everyone claims at once and the router decides. Only one
/// host can add the fixed port (the rest get UPnP 718, or NAT-PMP grants them another
/// port), so the race itself is the election: the fastest possible, and the noisiest.
public struct FirstComePolicy: ElectionPolicy {
    public init() {}

    public static let plugin = Plugin<ElectionSettings, any ElectionPolicy>(
        name: "first-come", summary: "every camera claims at once; the router's answer decides"
    ) { _, _ in FirstComePolicy() }

    public func claimDelay(for candidate: ElectionCandidate, among peers: [ElectionCandidate], attempt: Int) -> Duration {
        .zero
    }

    public func yieldsOnCollision(_ other: ElectionCandidate, over me: ElectionCandidate) -> Bool {
        false
    }
}
