import Logging
import PorticoCore
import Synchronization

/// The gateway one backend talks to: found once, reused for every action, found again
/// after it stopped answering or moved, and watched for restarts.
final class GatewayConnection: Sendable {
    let settings: MappingSettings
    private let client: UPnPClient
    let logger: Logger

    private struct State {
        var gateway: Gateway?
        /// The search in progress, shared by every call that needs the gateway meanwhile.
        var discovery: Task<Result<Gateway, MappingError>, Never>?
        var restarts = RouterRestartDetector()
        var listener: Int?
        /// Exchanges in a row the gateway did not answer in time, or answered with garbage.
        var unanswered = 0
        var pacing = HedgePacing()
    }

    /// Unanswered exchanges in a row after which the gateway is searched for again. One is
    /// not enough: on a lossy LAN a single exchange can outlast its timeout, and a new
    /// search (multicast, then the description over TCP) only adds to the wait.
    static let unansweredBeforeSearch = 2

    private let state = Mutex(State())
    /// Origin of the durations the restart detector works with.
    private let origin = ContinuousClock.now

    init(settings: MappingSettings, client: UPnPClient = .shared, logger: Logger) {
        self.settings = settings
        self.client = client
        self.logger = logger
    }

    deinit {
        if let listener = state.withLock({ $0.listener }) { client.removeListener(listener) }
    }

    var generation: Int { state.withLock { $0.restarts.generation } }

    /// Sends `action` to the gateway, finding it first when needed. Not `urgent`: no
    /// failover waits for it (see `HedgePacing`).
    func perform(_ action: SOAPAction, urgent: Bool = true) async throws(MappingError) -> SOAPReply {
        let gateway = try await currentGateway()
        let started = ContinuousClock.now
        do throws(MappingError) {
            let reply = try await exchange(action, with: gateway, urgent: urgent)
            logger.trace("action answered", metadata: ["action": "\(action.name)", "after": "\(ContinuousClock.now - started)"])
            state.withLock { $0.unanswered = 0 }
            return reply
        } catch {
            logger.trace("action failed", metadata: ["action": "\(action.name)", "after": "\(ContinuousClock.now - started)", "error": "\(error)"])
            // A gateway that answers garbage is as useless as one that does not answer,
            // and may be a hostile device that answered the search first.
            if error.code == .unreachable || error.code == .malformedReply { forget(gateway, because: error) }
            throw error
        }
    }

    /// Connections one exchange opens at most while none has answered: at the minimum
    /// stagger, doubling, they span 3.7 s, by when TCP has retransmitted the first ones'
    /// SYNs twice.
    static let maximumAttempts = 8

    /// One action, over as many connections as it takes (`HedgedExchange`), on a thread
    /// of its own; cancelling the caller resets every connection.
    private func exchange(_ action: SOAPAction, with gateway: Gateway, urgent: Bool = true) async throws(MappingError) -> SOAPReply {
        let pacing = state.withLock { $0.pacing }
        let hedged = HedgedExchange(
            request: try ControlRequest(action, to: gateway.service), localAddress: gateway.localAddress,
            stagger: pacing.firstWait(urgent: urgent), maximumAttempts: Self.maximumAttempts, timeout: settings.timeout,
            opening: pacing.opening(urgent: urgent))
        let outcome: Result<HedgedExchange.Answer, MappingError>
        do {
            outcome = try await DedicatedThread.run(name: "upnp-control") { stop in hedged.runBlocking(stop: stop) }
        } catch {
            throw MappingError(.unreachable, message: "\(action.name): \(error)")
        }
        let answer: HedgedExchange.Answer
        do throws(MappingError) {
            answer = try outcome.get()
        } catch {
            if error.code == .unreachable { state.withLock { $0.pacing.unanswered() } }
            throw error
        }
        state.withLock { $0.pacing.answered(in: answer.attemptTime, attempts: answer.attempts) }
        if answer.attempts > 1 {
            logger.debug("answered after several connections", metadata: ["action": "\(action.name)", "connections": "\(answer.attempts)"])
        }
        return try action.reply(from: answer.response).get()
    }

    // MARK: - Finding the gateway

    private func currentGateway() async throws(MappingError) -> Gateway {
        guard let address = NetworkInterface.ipv4Address(of: settings.interface) else {
            throw MappingError(.unreachable, message: "\(settings.interface) has no IPv4 address: the LAN link is down or DHCP has not answered yet")
        }
        let session = try await client.session(on: address, timeout: settings.timeout)
        listenForAdvertisements()
        enum Lookup { case cached(Gateway), searching(Task<Result<Gateway, MappingError>, Never>) }
        let lookup: Lookup = state.withLock { state in
            if let gateway = state.gateway, gateway.localAddress == address { return .cached(gateway) }
            if let running = state.discovery { return .searching(running) }
            let discovery = GatewayDiscovery(client: client, interface: settings.interface, timeout: settings.timeout, logger: logger)
            let task = Task { () -> Result<Gateway, MappingError> in
                do throws(MappingError) {
                    return .success(try await discovery.find(in: session))
                } catch {
                    return .failure(error)
                }
            }
            state.discovery = task
            return .searching(task)
        }
        let search: Task<Result<Gateway, MappingError>, Never>
        switch lookup {
        case .cached(let gateway): return gateway
        case .searching(let task): search = task
        }
        let result = await search.value
        let (found, newDevice) = state.withLock { state -> (Gateway?, Bool) in
            guard state.discovery == search else { return (nil, false) }
            state.discovery = nil
            guard case .success(let gateway) = result else { return (nil, false) }
            state.gateway = gateway
            return (gateway, state.restarts.found(udns: gateway.udns))
        }
        if let found {
            logger.info("UPnP gateway found", metadata: [
                "location": "\(found.location)", "service": "\(found.service.serviceType)",
            ])
            if newDevice { logger.info("another gateway than before: mapping again", metadata: ["location": "\(found.location)"]) }
            checkUptime(of: found)
        }
        return try result.get()
    }

    private func forget(_ gateway: Gateway, because error: MappingError) {
        let forgotten = state.withLock { state in
            guard state.gateway == gateway else { return false }
            state.unanswered += 1
            guard state.unanswered >= Self.unansweredBeforeSearch else { return false }
            state.unanswered = 0
            state.gateway = nil
            return true
        }
        if forgotten {
            logger.info("gateway stopped answering usefully; it will be searched for again", metadata: ["error": "\(error)"])
        }
    }

    // MARK: - Restarts

    private func listenForAdvertisements() {
        let needed = state.withLock { $0.listener == nil }
        guard needed else { return }
        let token = client.addListener { [weak self] advertisement in self?.advertised(advertisement) }
        let duplicate = state.withLock { state in
            if state.listener != nil { return true }
            state.listener = token
            return false
        }
        if duplicate { client.removeListener(token) }
    }

    /// Runs on libupnp's threads: decides quickly, and does any network work in a task.
    private func advertised(_ advertisement: UPnPClient.Advertisement) {
        let now = ContinuousClock.now - origin
        decided { restarts, gatewayLocation in
            restarts.advertisement(
                alive: advertisement.alive, udn: advertisement.udn, location: advertisement.location,
                gatewayLocation: gatewayLocation, at: now)
        }
    }

    /// Applies what the restart detector decided.
    private func decided(_ decide: (inout RouterRestartDetector, String?) -> RouterRestartDetector.Decision) {
        let (decision, gateway) = state.withLock { state in
            let decision = decide(&state.restarts, state.gateway?.location)
            if case .restarted(forgetGateway: true) = decision { state.gateway = nil }
            return (decision, state.gateway)
        }
        switch decision {
        case .nothing:
            break
        case .restarted(let moved):
            logger.notice("the router restarted: mapping again", metadata: ["moved": "\(moved)"])
            if let gateway { checkUptime(of: gateway) }
        case .checkUptime:
            if let gateway { checkUptime(of: gateway) }
        case .deferUntil(let time):
            Task { [weak self, origin] in
                try? await Task.sleep(until: origin + time)
                self?.decided { restarts, _ in restarts.deferred(at: ContinuousClock.now - origin) }
            }
        }
    }

    /// Reads the gateway's uptime in the background and lets the detector compare it.
    /// Routers without `GetStatusInfo` or `NewUptime` are left to the SSDP signs.
    private func checkUptime(of gateway: Gateway) {
        Task { [weak self] in
            guard let self else { return }
            let uptime: Int
            do throws(MappingError) {
                uptime = try IGDActions.uptime(from: try await exchange(IGDActions.getStatusInfo, with: gateway, urgent: false))
            } catch {
                logger.debug("no uptime from the gateway", metadata: ["error": "\(error)"])
                return
            }
            let now = ContinuousClock.now - origin
            let restarted = state.withLock { $0.restarts.uptime(uptime, at: now) }
            if restarted {
                logger.notice("the router's uptime went back: it restarted, mapping again", metadata: ["uptime": "\(uptime)"])
            }
        }
    }
}
