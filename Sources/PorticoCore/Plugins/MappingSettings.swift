/// The `[mapping]` keys every mapping backend shares.
public struct MappingSettings: Sendable, Equatable, CustomStringConvertible {
    /// The external port the representative holds, the one address viewers use.
    public var fixedPort: Int
    /// Ports the other cameras ask for, in order, when the fixed port is taken.
    public var ports: PortRange
    /// Lease asked for; renewed at half-life. Short, so a new representative can take over
    /// the fixed port when the router will not let it delete the old mapping.
    public var lease: Duration

    public static let portRange = 1...65535

    public init(reading section: inout ProfileSection) {
        fixedPort = section.integer("fixed_port", in: Self.portRange, default: 8080) ?? 8080
        ports = section.portRange("ports", within: Self.portRange, default: PortRange(8081, 8099)) ?? PortRange(8081, 8099)
        lease = section.duration("lease", in: .zero ... .seconds(7 * 24 * 3600), default: .seconds(3600)) ?? .seconds(3600)
    }

    public var description: String {
        "fixed port \(fixedPort), others from \(ports), lease \(ProfileDuration.format(lease))"
    }
}
