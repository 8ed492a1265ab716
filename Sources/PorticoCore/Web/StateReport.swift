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
        /// "live", "no-signal" or "starting"; `signal_detail` says from what, or why not.
        public var signal: String
        public var signal_detail: String
        /// Frames per second from the hardware, over the last few seconds.
        public var captured_fps: Double
        /// Frames per second out of the encoders (or passed through already compressed).
        public var encoded_fps: Double
        /// Frames per second into the hub, "no signal" frames included.
        public var published_fps: Double
        /// Frames published since start.
        public var frames: UInt64
        /// Frames captured (or due from the hardware) and never published, since start.
        public var dropped_frames: UInt64
        /// Frames from the hardware, and out of the encoders, since start.
        public var captured_frames: UInt64
        public var encoded_frames: UInt64
        /// Frames sent to and skipped by all `/stream` clients since start, those gone included.
        public var delivered_frames: UInt64
        public var skipped_frames: UInt64
        /// Mean time to encode one frame over the last few seconds, in milliseconds.
        public var encode_ms: Double
        public var encoder_threads: Int
        public var stream_clients: Int
        /// One entry per `/stream` connection, oldest first.
        public var clients: [Client]
    }

    public struct Client: Codable, Sendable, Equatable {
        public var id: Int
        public var delivered_fps: Double
        public var delivered: UInt64
        /// Frames published while connected that this client never got (it was too slow).
        public var skipped: UInt64
        public var connected_seconds: Double
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
    /// The camera's site: role, term, representative, dropped datagrams, directory; nil without `[election]`.
    public var site: SiteStatus?
    /// Where the camera points and what its motors do; nil without `[pan_tilt]`.
    public var pan_tilt: PanTiltStatus?
    /// The registration switch's presses and the status LED; nil without `[switch]`.
    public var `switch`: SwitchStatus?
}
