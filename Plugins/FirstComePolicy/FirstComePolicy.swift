import PorticoCore

/// `policy = "first-come"`: everyone claims at once and the router decides. Only one
/// host can add the fixed port (the rest get UPnP 718, or NAT-PMP grants them another
/// port), so the race itself is the election: the fastest possible, and the noisiest.
package struct FirstComePolicy: ElectionPolicy {
    package init() {}

    package static let plugin = Plugin<ElectionSettings, any ElectionPolicy>(
        name: "first-come", summary: "every camera claims at once; the router's answer decides"
    ) { _, _ in FirstComePolicy() }

    package func claimDelay(for candidate: ElectionCandidate, among peers: [ElectionCandidate], attempt: Int) -> Duration {
        .zero
    }

    package func yieldsOnCollision(_ other: ElectionCandidate, over me: ElectionCandidate) -> Bool {
        false
    }
}
