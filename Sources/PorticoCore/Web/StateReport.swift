/// What `/state` answers: which pieces run, and how the camera is doing.
///
/// Field names are snake_case and stable: bring-up scripts and monitoring read them.
public struct StateReport: Codable, Sendable, Equatable {
    public struct Piece: Codable, Sendable, Equatable {
        public var section: String
        /// "started" or "absent".
        public var status: String
        public var plugin: String?
        public var detail: String
    }

    public struct Camera: Codable, Sendable, Equatable {
        public var source: String
        public var size: String
        public var width: Int
        public var height: Int
        public var fps: Int
        public var quality: Int
        public var captured_fps: Double
        public var frames: UInt64
        public var stream_clients: Int
    }

    public var name: String
    public var profile: String
    public var version: String
    public var pieces: [Piece]
    /// Nil when the board has no camera.
    public var camera: Camera?
    /// Registration with the router; nil when the board maps no port (no `[mapping]`)
    /// or has not begun (waiting for its interface, or for the switch).
    public var mapping: RegistrationStatus?
}
