import Logging
import ServiceLifecycle

/// Keeps the service manager informed for the life of the daemon: `READY=1` once the
/// web server listens and the camera has published (a picture, or NO SIGNAL saying why
/// not), a `STATUS=` line a person reads in `systemctl status`, `WATCHDOG=1` only while
/// `Liveness` finds every part making progress, and `STOPPING=1` the moment a shutdown
/// begins, so systemd shows "deactivating" instead of a service that stopped answering.
package struct ServiceManagerService: Service {
    let notifier: ServiceManagerNotifier
    /// Set once the web server listens.
    let listening: StopFlag
    /// The camera's hub as it is now (a reload may add or remove the camera); nil without one.
    let hub: @Sendable () -> FrameHub?
    /// When the site loop last turned; nil without a site.
    let siteTurned: @Sendable () -> ContinuousClock.Instant?
    let status: @Sendable () -> String
    let logger: Logger

    package init(notifier: ServiceManagerNotifier, listening: StopFlag, hub: @escaping @Sendable () -> FrameHub?,
                siteTurned: @escaping @Sendable () -> ContinuousClock.Instant?, status: @escaping @Sendable () -> String, logger: Logger) {
        self.notifier = notifier
        self.listening = listening
        self.hub = hub
        self.siteTurned = siteTurned
        self.status = status
        self.logger = logger
    }

    /// How often the status line is refreshed when no watchdog asks for more.
    static let statusInterval: Duration = .seconds(5)

    package func run() async throws {
        guard notifier.isActive else {
            // Nobody to tell; a service that returned would end the group.
            try? await gracefulShutdown()
            return
        }
        let notifier = self.notifier
        let started = ContinuousClock.now
        await withGracefulShutdownHandler {
            while !listening.isSet || (hub() != nil && hub()?.lastPublished == nil) {
                if Task.isCancelled || Task.isShuttingDownGracefully { return }
                try? await Task.sleep(for: .milliseconds(20))
            }
            var lastStatus = status()
            notifier.notify(["READY=1", "STATUS=\(lastStatus)"])
            logger.debug("ready", metadata: ["after": "\(ContinuousClock.now - started)"])
            let interval = notifier.watchdogInterval.map { min($0 / 2, Self.statusInterval) } ?? Self.statusInterval
            var stuck = false
            while !Task.isCancelled && !Task.isShuttingDownGracefully {
                try? await Task.sleep(for: interval)
                let now = ContinuousClock.now
                let verdict = Liveness.verdict(
                    cameraSince: hub().map { now - ($0.lastPublished ?? started) },
                    siteSince: siteTurned().map { now - $0 })
                var lines: [String] = []
                switch verdict {
                case .alive:
                    if notifier.watchdogInterval != nil { lines.append("WATCHDOG=1") }
                    if stuck { logger.notice("working again") }
                    stuck = false
                    let current = status()
                    if current != lastStatus { lines.append("STATUS=\(current)") }
                    lastStatus = current
                case .stuck(let reason):
                    // No WATCHDOG=1: systemd restarts the process when its time runs out.
                    if !stuck { logger.error("stuck; the service manager's watchdog will restart Portico", metadata: ["reason": "\(reason)"]) }
                    stuck = true
                    lastStatus = "stuck: \(reason)"
                    lines.append("STATUS=\(lastStatus)")
                }
                if !lines.isEmpty { notifier.notify(lines) }
            }
        } onGracefulShutdown: {
            notifier.notify(["STOPPING=1", "STATUS=stopping"])
        }
    }

    /// The status line: role, where the internet reaches the camera, and its frame rate.
    package static func status(of report: StateReport) -> String {
        var parts: [String] = []
        if let site = report.site {
            parts.append(site.role == .representative ? "representative of \(site.directory.cameras.count) cameras" : site.role.rawValue)
        }
        if let mapping = report.mapping {
            parts.append(mapping.externalURL ?? "not mapped (\(mapping.phase.rawValue))")
        } else if report.pieces.contains(where: { $0.section == "mapping" && $0.status == "started" }) {
            parts.append("not registered")
        }
        if let camera = report.camera {
            parts.append(camera.signal == "live" ? "\(camera.published_fps) fps" : "\(camera.signal): \(camera.signal_detail)")
        }
        return parts.isEmpty ? "running" : parts.joined(separator: ", ")
    }
}
