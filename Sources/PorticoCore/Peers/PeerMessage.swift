/// What cameras on one LAN say to each other (claims 4–7 and 10–16, docs/claims.md): the
/// representative's heartbeat and the answers to it, a camera's news, and the messages
/// of an election.
package struct PeerMessage: Sendable, Equatable {
    package enum Kind: UInt8, Sendable, Equatable, CaseIterable {
        /// The representative's periodic question "who is there?"; also its heartbeat.
        case inquiry = 1
        /// A camera's answer to an inquiry: its record.
        case report = 2
        /// A camera's record sent unasked, right after it got a port, so it shows at once.
        case notice = 3
        /// The representative is leaving.
        case bye = 4
        /// "I intend to become representative", in an election.
        case claim = 5
        /// "I am the new representative", once it holds the fixed port.
        case rotated = 6
        /// Is the representative still there?
        case probe = 7
        /// The representative's answer to a probe.
        case alive = 8
    }

    package var kind: Kind
    /// A stable identifier of the sending camera (its name is not enough: two boards
    /// could be given the same name).
    package var sender: String
    /// Increases with every message of a sender, across restarts: the replay window.
    package var sequence: UInt64
    /// The election term the sender knows. A higher term always wins.
    package var term: UInt64
    /// The sender's record; every message carries it, so any message keeps the directory fresh.
    package var camera: CameraRecord

    package init(kind: Kind, sender: String, sequence: UInt64, term: UInt64, camera: CameraRecord) {
        self.kind = kind
        self.sender = sender
        self.sequence = sequence
        self.term = term
        self.camera = camera
    }
}

/// One camera as the directory lists it.
package struct CameraRecord: Sendable, Equatable, Codable {
    /// The host name shown on the directory page.
    package var name: String
    package var internalAddress: String
    package var internalPort: Int
    /// Its port on the router's external address; nil while it has none.
    package var externalPort: Int?
    /// A value unique to the hardware (MAC address, serial), for the server-value election policy.
    package var serverValue: String

    package init(name: String, internalAddress: String, internalPort: Int, externalPort: Int?, serverValue: String) {
        self.name = name
        self.internalAddress = internalAddress
        self.internalPort = internalPort
        self.externalPort = externalPort
        self.serverValue = serverValue
    }
}
