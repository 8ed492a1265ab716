/// What `/state` answers: which pieces run, and how the camera is doing.
///
/// Field names are snake_case and stable: bring-up scripts and monitoring read them.
package struct StateReport: Codable, Sendable, Equatable {
    package struct Piece: Codable, Sendable, Equatable {
        package var section: String
        /// "started" or "absent".
        package var status: String
        package var plugin: String?
        package var detail: String
    }

    package struct Camera: Codable, Sendable, Equatable {
        package var source: String
        package var size: String
        package var width: Int
        package var height: Int
        package var fps: Int
        package var quality: Int
        /// "live", "no-signal" or "starting"; `signal_detail` says from what, or why not.
        package var signal: String
        package var signal_detail: String
        /// Frames per second from the hardware, over the last few seconds.
        package var captured_fps: Double
        /// Frames per second out of the encoders (or passed through already compressed).
        package var encoded_fps: Double
        /// Frames per second into the hub, "no signal" frames included.
        package var published_fps: Double
        /// Frames published since start.
        package var frames: UInt64
        /// Frames captured (or due from the hardware) and never published, since start.
        package var dropped_frames: UInt64
        /// Frames from the hardware, and out of the encoders, since start.
        package var captured_frames: UInt64
        package var encoded_frames: UInt64
        /// Frames sent to and skipped by all `/stream` clients since start, those gone included.
        package var delivered_frames: UInt64
        package var skipped_frames: UInt64
        /// Mean time to encode one frame over the last few seconds, in milliseconds.
        package var encode_ms: Double
        package var encoder_threads: Int
        package var stream_clients: Int
        /// One entry per `/stream` connection, oldest first.
        package var clients: [Client]
    }

    package struct Client: Codable, Sendable, Equatable {
        package var id: Int
        package var delivered_fps: Double
        package var delivered: UInt64
        /// Frames published while connected that this client never got (it was too slow).
        package var skipped: UInt64
        package var connected_seconds: Double
    }

    package var name: String
    package var profile: String
    package var version: String
    package var pieces: [Piece]
    /// Nil when the board has no camera.
    package var camera: Camera?
    /// Registration with the router; nil when the board maps no port (no `[mapping]`)
    /// or has not begun (waiting for its interface, or for the switch).
    package var mapping: RegistrationStatus?
    /// The camera's site: role, term, representative, dropped datagrams, directory; nil without `[election]`.
    package var site: SiteStatus?
    /// Where the camera points and what its motors do; nil without `[pan_tilt]`.
    package var pan_tilt: PanTiltStatus?
    /// The registration switch's presses and the status LED; nil without `[switch]`.
    package var `switch`: SwitchStatus?
}
