import FirstComePolicy
import PorticoCore

/// Cameras named `camN` at 198.51.100.1N, for tests that drive one `Election` by hand.
enum ElectionFixtures {
    static func record(_ name: String, port: Int?) -> CameraRecord {
        CameraRecord(name: name, internalAddress: "198.51.100.1\(name.last!)", internalPort: 8080, externalPort: port, serverValue: name)
    }

    static func message(_ kind: PeerMessage.Kind, from name: String, term: UInt64, port: Int?) -> PeerMessage {
        PeerMessage(kind: kind, sender: name, sequence: 1, term: term, camera: record(name, port: port))
    }

    static func election(_ name: String, port: Int?) -> Election {
        Election(configuration: .init(id: name, inquiryInterval: .seconds(1), missed: 2), policy: FirstComePolicy(),
                 me: record(name, port: port), at: .zero)
    }
}
