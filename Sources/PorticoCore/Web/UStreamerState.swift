/// `/state?format=ustreamer`: the camera's state in the shape ustreamer's `/state`
/// has, so a dashboard or script written for ustreamer reads Portico unchanged.
///
/// Built from Portico's own `/state`; what ustreamer has and Portico has not is
/// answered with Portico's nearest figure (see each field).
package struct UStreamerState: Encodable, Sendable, Equatable {
    package var ok = true
    package var result: Result

    package struct Result: Encodable, Sendable, Equatable {
        /// ustreamer's `--instance-id`; Portico's is the camera's name.
        package var instance_id: String
        package var encoder: Encoder
        package var source: Source
        package var stream: Stream
    }

    package struct Encoder: Encodable, Sendable, Equatable {
        /// "CPU": Portico encodes with libjpeg-turbo (a camera's own MJPEG passes
        /// through unchanged, which ustreamer would call "HW").
        package var type: String
        package var quality: Int
    }

    package struct Source: Encodable, Sendable, Equatable {
        package var resolution: Resolution
        package var online: Bool
        package var desired_fps: Int
        package var captured_fps: Int
    }

    package struct Resolution: Encodable, Sendable, Equatable {
        package var width: Int
        package var height: Int
    }

    package struct Stream: Encodable, Sendable, Equatable {
        /// Frames per second handed to viewers (ustreamer: queued for its stream clients).
        package var queued_fps: Int
        package var clients: Int
        /// By the hex id of the `stream_client` cookie.
        package var clients_stat: [String: ClientStat]
    }

    package struct ClientStat: Encodable, Sendable, Equatable {
        package var fps: Int
        package var extra_headers: Bool
        package var advance_headers: Bool
        package var dual_final_frames: Bool
        package var zero_data: Bool
    }

    /// Nil when the board has no camera.
    package init?(report: StateReport, viewers: [UInt64: StreamViewers.Viewer]) {
        guard let camera = report.camera else { return nil }
        var stats: [String: ClientStat] = [:]
        for (id, viewer) in viewers {
            let options = viewer.options
            stats[StreamViewers.hex(id)] = ClientStat(
                fps: Self.whole(viewer.client.statistics().deliveredFps), extra_headers: options.extraHeaders,
                advance_headers: options.advanceHeaders, dual_final_frames: options.dualFinalFrames, zero_data: options.zeroData)
        }
        result = Result(
            instance_id: report.name,
            encoder: Encoder(type: "CPU", quality: camera.quality),
            source: Source(
                resolution: Resolution(width: camera.width, height: camera.height), online: camera.signal == "live",
                desired_fps: camera.fps, captured_fps: Self.whole(camera.captured_fps)),
            stream: Stream(queued_fps: Self.whole(camera.published_fps), clients: camera.stream_clients, clients_stat: stats))
    }

    /// ustreamer's rates are whole numbers; a rate is never beyond a few hundred, but a
    /// conversion must not be able to trap.
    static func whole(_ rate: Double) -> Int {
        rate.isFinite ? Int(min(max(rate, 0), 1_000_000).rounded()) : 0
    }
}
