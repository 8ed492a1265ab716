import HTTPTypes
import Hummingbird
import NIOCore

/// The URLs of the streamers people already point their software at, answered by
/// Portico: mjpg-streamer's `/?action=stream` and `/?action=snapshot` (the default
/// camera URLs of OctoPrint, Home Assistant and many recorders), `HEAD` on the
/// pictures, ustreamer's `/stream` options and its `/state` shape.
extension WebServer {
    /// mjpg-streamer's `action` on `/`; nil for any other request to `/`, which is the page.
    func mjpgStreamerAction(_ request: Request) async -> Response? {
        switch request.uri.queryParameters.get("action") {
        case "stream": stream(request)
        case "snapshot": await snapshot()
        default: nil
        }
    }

    /// `HEAD /`: the stream's or the snapshot's headers for mjpg-streamer's `action`, else the page's.
    func headRoot(_ request: Request) -> Response {
        switch request.uri.queryParameters.get("action") {
        case "stream": return head(stream: true)
        case "snapshot": return head(stream: false)
        default:
            var headers = HTTPFields()
            headers[.contentType] = "text/html; charset=utf-8"
            headers[.cacheControl] = "no-store"
            return Response(status: .ok, headers: headers, body: .init())
        }
    }

    /// `HEAD`: the headers a `GET` would have, without the picture, for players and
    /// recorders that probe a URL before opening it.
    func head(stream: Bool) -> Response {
        guard hub != nil else { return noCamera() }
        var headers = MJPEGStream.noCacheHeaders
        headers[.contentType] = stream ? MJPEGStream.contentType : "image/jpeg"
        return Response(status: .ok, headers: headers, body: .init())
    }

    /// `/stream`, with ustreamer's query parameters (see `StreamOptions`).
    func stream(_ request: Request) -> Response {
        guard let hub else { return noCamera() }
        let options = StreamOptions { request.uri.queryParameters.get($0) }
        let id = viewers.newID()
        var headers = MJPEGStream.noCacheHeaders
        headers[.contentType] = MJPEGStream.contentType
        headers[.setCookie] = "stream_client=\(options.key ?? "0")/\(StreamViewers.hex(id)); path=/; max-age=30"
        return Response(status: .ok, headers: headers, body: ResponseBody { [viewers] writer in
            try await hub.withClient { (client: StreamClient) in
                try await viewers.with(id: id, client: client, options: options) {
                    var opening = MJPEGStream.opening
                    if options.advanceHeaders { opening.writeImmutableBuffer(MJPEGStream.advanceHeader(sent: WallClock.now)) }
                    try await writer.write(opening)
                    var last: UInt64 = 0
                    while let frame = await hub.next(after: last) {
                        try await writer.write(contentsOf: Self.part(frame, options: options, client: client, hub: hub))
                        client.delivered(frame)
                        last = frame.sequence
                    }
                }
            }
            try await writer.finish(nil)
        })
    }

    /// One frame on the wire: headers (here, or after the boundary with
    /// `advance_headers`), the picture unless `zero_data`, the boundary.
    static func part(_ frame: Frame, options: StreamOptions, client: StreamClient, hub: FrameHub) -> [ByteBuffer] {
        let now = WallClock.now
        var parts: [ByteBuffer] = []
        if !options.advanceHeaders {
            // Looked up only when asked for: most viewers want the plain headers.
            var extras = MJPEGStream.Extras(online: true, clientFps: 0, sent: now)
            if options.extraHeaders {
                extras.online = if case .live = hub.telemetry.signal { true } else { false }
                extras.clientFps = UStreamerState.whole(client.statistics().deliveredFps)
            }
            parts.append(MJPEGStream.partHeader(for: frame, options: options, extras: extras))
        }
        if !options.zeroData { parts.append(frame.jpeg) }
        parts.append(MJPEGStream.closing)
        if options.advanceHeaders { parts.append(MJPEGStream.advanceHeader(sent: now)) }
        return parts
    }

    /// `/state?format=ustreamer`: ustreamer's shape; any other `format`, Portico's own.
    /// `/state`: Portico's own, as the viewer's place allows (`StateReport.seen(from:)`:
    /// no LAN address for the internet), or ustreamer's shape, which holds none.
    func stateResponse(_ request: Request, place: ViewerPlace) throws -> Response {
        guard request.uri.queryParameters.get("format") == "ustreamer" else {
            return try json(state().seen(from: place))
        }
        guard let shaped = UStreamerState(report: state(), viewers: viewers.all) else { return noCamera() }
        return try json(shaped)
    }
}
