/// Builds `/metrics` on request from the counters each piece already keeps: the same
/// sources as `/state`, so the two never disagree, in Prometheus's names and units.
///
/// Only the pieces the profile starts show up; a board without a camera has no frame
/// metrics rather than zeros that look like a stuck camera.
package struct MetricsReporter: Sendable {
    let hub: FrameHub?
    let registration: @Sendable () -> RegistrationStatus?
    let site: @Sendable () -> SiteStatus?
    /// Nil on a board that maps no port.
    let exchanges: RouterExchanges?
    let admin: AdminGuard

    package init(
        hub: FrameHub?, admin: AdminGuard, exchanges: RouterExchanges? = nil,
        registration: @escaping @Sendable () -> RegistrationStatus? = { nil },
        site: @escaping @Sendable () -> SiteStatus? = { nil }
    ) {
        self.hub = hub
        self.admin = admin
        self.exchanges = exchanges
        self.registration = registration
        self.site = site
    }

    package func text() -> String {
        var out = PrometheusText()
        out.family("portico_info", .gauge, "Always 1; the version in a label.")
        out.sample("portico_info", 1, labels: [("version", PorticoVersion.current)])
        if let hub { camera(hub, into: &out) }
        if let exchanges { router(exchanges.snapshot, registration: registration(), into: &out) }
        if let site = site() { self.site(site, into: &out) }
        let logins = admin.loginFailures
        out.family("portico_login_failures_total", .counter, "Admin logins refused since start: a wrong password, or turned away unchecked after too many.")
        out.sample("portico_login_failures_total", logins.wrongPassword, labels: [("reason", "wrong_password")])
        out.sample("portico_login_failures_total", logins.throttled, labels: [("reason", "throttled")])
        return out.text
    }

    private func camera(_ hub: FrameHub, into out: inout PrometheusText) {
        let telemetry = hub.telemetry.snapshot
        let statistics = hub.statistics
        out.single("portico_frames_captured_total", .counter, "Frames from the camera hardware (or painted, for a generated source).", telemetry.captured)
        out.single("portico_frames_encoded_total", .counter, "Frames out of the JPEG encoders, or passed through already compressed.", telemetry.encoded)
        out.single("portico_frames_published_total", .counter, "Frames handed to viewers, NO SIGNAL frames included.", statistics.published)
        out.single("portico_frames_dropped_total", .counter, "Frames captured (or due from the hardware) and never published.", telemetry.dropped)
        out.family("portico_encode_duration_seconds", .histogram, "Time to encode one frame.")
        out.histogram("portico_encode_duration_seconds", telemetry.encodeSeconds)
        out.family("portico_stream_clients", .gauge, "Viewers of /stream connected now.")
        out.sample("portico_stream_clients", statistics.clients)
        // One total for all viewers: per-client series would be a new series for every
        // connection, without bound over the camera's life.
        out.single("portico_stream_delivered_frames_total", .counter, "Frames sent to /stream viewers, all viewers together.", statistics.delivered)
        out.single("portico_stream_skipped_frames_total", .counter, "Frames published while a /stream viewer was connected that it never got (it was too slow), all viewers together.", statistics.skipped)
        out.stateSet("portico_camera_signal", "1 for the camera's signal state: starting, live or no-signal.",
                     label: "state", states: CameraSignal.names, current: telemetry.signal.name)
    }

    private func router(_ exchanges: RouterExchanges.Snapshot, registration: RegistrationStatus?, into out: inout PrometheusText) {
        out.stateSet("portico_mapping_phase", "1 for the registration's phase; all 0 before registration has begun.",
                     label: "phase", states: Registration.Phase.allCases.map(\.rawValue), current: registration?.phase.rawValue)
        out.family("portico_mapping_holds_fixed_port", .gauge, "1 while this camera holds the site's fixed external port.")
        out.sample("portico_mapping_holds_fixed_port", registration?.holdsFixedPort == true ? 1 : 0)
        out.single("portico_mapping_renewals_total", .counter, "Times the router extended the lease of the port held.", UInt64(max(registration?.renewals ?? 0, 0)))
        out.family("portico_router_exchange_duration_seconds", .histogram, "Time the router took to answer one question, answered or failed.")
        for operation in RouterExchanges.Operation.allCases {
            out.histogram("portico_router_exchange_duration_seconds", exchanges.durations[operation] ?? .exchangeSeconds,
                          labels: [("operation", operation.rawValue)])
        }
        out.family("portico_router_exchange_failures_total", .counter, "Questions to the router that failed, by operation and error code.")
        for operation in RouterExchanges.Operation.allCases {
            for (code, count) in (exchanges.failures[operation] ?? [:]).sorted(by: { $0.key < $1.key }) {
                out.sample("portico_router_exchange_failures_total", count, labels: [("operation", operation.rawValue), ("code", code)])
            }
        }
    }

    private func site(_ site: SiteStatus, into out: inout PrometheusText) {
        out.stateSet("portico_site_role", "1 for this camera's role in its site.",
                     label: "role", states: Election.Role.allCases.map(\.rawValue), current: site.role.rawValue)
        out.family("portico_site_term", .gauge, "The site's election term as this camera knows it.")
        out.sample("portico_site_term", site.term)
        out.family("portico_peer_datagrams_dropped_total", .counter, "Datagrams from the LAN dropped before use, by reason.")
        for reason in PeerCodecError.Code.allCases {
            out.sample("portico_peer_datagrams_dropped_total", max(site.dropped[reason.rawValue] ?? 0, 0), labels: [("reason", reason.rawValue)])
        }
    }
}
