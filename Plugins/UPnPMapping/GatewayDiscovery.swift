import Logging
import PorticoCore
import Synchronization

/// An InternetGatewayDevice found on the LAN, with the service its actions go to.
struct Gateway: Sendable, Equatable {
    /// Where its root description was fetched from (the SSDP LOCATION).
    let location: String
    /// The UDNs of its devices, to recognise its `ssdp:alive`/`ssdp:byebye`.
    let udns: Set<String>
    let service: WANConnectionService
    /// The IPv4 address libupnp was bound to when it was found.
    let localAddress: String
}

/// Finds the gateway with an SSDP search, as fast as the router answers.
///
/// Both IGD versions are searched for at once (an IGD:2 router should answer an IGD:1
/// search too, not every one does). The first answer from the default route's gateway
/// whose description offers a usable WAN connection service ends the search; there is
/// no fixed listening window. Without one, the search ends when libupnp closes its
/// search window or at `timeout`.
///
/// Anything on the LAN can answer a search, and the first answer is not the router's
/// when a hostile or broken device answers faster (a router like miniupnpd waits a
/// little before answering). Only the default route's gateway can forward the
/// internet's traffic to this camera, so an answer from another address is kept as a
/// fallback for `fallbackWait` (for a router whose description is served from another
/// of its addresses) and taken only if the default gateway has not answered by then.
struct GatewayDiscovery: Sendable {
    static let searchTargets = [
        "urn:schemas-upnp-org:device:InternetGatewayDevice:2",
        "urn:schemas-upnp-org:device:InternetGatewayDevice:1",
    ]
    /// Real descriptions are a few kilobytes; this bounds what a broken responder can make us read.
    static let descriptionLimit = 128 * 1024
    /// Distinct LOCATIONs fetched per search, so a LAN full of answering devices cannot
    /// start unbounded downloads.
    static let maximumCandidates = 8
    /// How long a usable answer from an address other than the default gateway waits
    /// for the default gateway's own answer.
    static let fallbackWait: Duration = .seconds(1)

    let client: UPnPClient
    let interface: String
    let timeout: Duration
    let logger: Logger

    func find(in session: UPnPClient.Session) async throws(MappingError) -> Gateway {
        let progress = Progress(targets: Self.searchTargets.count, preferredHost: NetworkInterface.defaultGateway(of: interface))
        let started = ContinuousClock.now
        let interface = self.interface, timeout = self.timeout, address = session.address
        var tokens: [Int] = []
        defer { client.endSearch(tokens) }
        let gateway = try await Outcome<Gateway>.wait(timeout: timeout, orFail: {
            progress.finalError ?? Self.noAnswer(interface: interface, address: address, timeout: timeout)
        }) { outcome in
            tokens = client.search(targets: Self.searchTargets, in: session) { event in
                switch event {
                case .found(let answer):
                    guard progress.claim(answer.location) else { return }
                    logger.debug("SSDP answer", metadata: [
                        "location": "\(answer.location)", "st": "\(answer.target)",
                        "after": "\(ContinuousClock.now - started)",
                    ])
                    fetch(answer, address: address, outcome: outcome, progress: progress)
                case .finished(let sendError):
                    if let sendError {
                        progress.record(UPnPErrorCode.mappingError(code: sendError, action: "sending the SSDP search"))
                    }
                    if progress.targetFinished() {
                        outcome.settle(progress.fallback.map { .success($0) }
                            ?? .failure(progress.finalError ?? Self.noAnswer(interface: interface, address: address, timeout: timeout)))
                    }
                }
            }
        }
        logger.debug("gateway found", metadata: [
            "location": "\(gateway.location)", "service": "\(gateway.service.serviceType)",
            "control": "\(gateway.service.controlURL)", "after": "\(ContinuousClock.now - started)",
        ])
        return gateway
    }

    private func fetch(_ answer: UPnPClient.SearchResult, address: String, outcome: Outcome<Gateway>, progress: Progress) {
        let client = self.client, timeout = self.timeout
        Task {
            do {
                let gateway = try await DedicatedThread.run(name: "upnp-description") { _ in
                    let text = try client.downloadBlocking(answer.location, limit: Self.descriptionLimit, timeout: timeout)
                    let description = try DeviceDescription(parsing: text)
                    let service = try description.wanConnection(location: answer.location)
                    var udns = Set(description.udns)
                    if !answer.udn.isEmpty { udns.insert(answer.udn) }
                    return Gateway(location: answer.location, udns: udns, service: service, localAddress: address)
                }
                if progress.isPreferred(gateway) {
                    outcome.settle(.success(gateway))
                } else if progress.keepAsFallback(gateway) {
                    logger.info("a UPnP gateway answered that is not the default route's gateway; waiting for the router's own answer",
                                metadata: ["location": "\(gateway.location)", "default_gateway": "\(progress.preferredHost ?? "none")"])
                    Task {
                        try? await Task.sleep(for: min(Self.fallbackWait, timeout / 2))
                        outcome.settle(.success(gateway))
                    }
                }
            } catch {
                let failure = error as? MappingError
                    ?? MappingError(.unreachable, message: "reading the description at \(answer.location): \(error)")
                logger.debug("unusable SSDP answer", metadata: ["location": "\(answer.location)", "error": "\(failure)"])
                progress.record(failure)
            }
            if progress.fetchFinished() {
                outcome.settle(progress.fallback.map { .success($0) }
                    ?? .failure(progress.finalError ?? MappingError(.unreachable, message: "no usable gateway answered")))
            }
        }
    }

    static func noAnswer(interface: String, address: String, timeout: Duration) -> MappingError {
        MappingError(.unreachable, message: "no UPnP internet gateway answered on \(interface) (\(address)) within \(ProfileDuration.format(timeout)): check that the router has UPnP enabled and that \(interface) is on its LAN")
    }

    /// What a search has seen so far; touched from libupnp's threads and fetch tasks.
    final class Progress: Sendable {
        private struct State {
            var seen: Set<String> = []
            var fetching = 0
            var unfinishedTargets: Int
            var lastError: MappingError?
            /// The first usable gateway found at another address than the default gateway.
            var fallback: Gateway?
        }

        private let state: Mutex<State>
        /// The default route's gateway; nil when there is none (every answer is as good).
        let preferredHost: String?

        init(targets: Int, preferredHost: String?) {
            state = Mutex(State(unfinishedTargets: targets))
            self.preferredHost = preferredHost
        }

        func isPreferred(_ gateway: Gateway) -> Bool {
            guard let preferredHost else { return true }
            return RouterRestartDetector.host(of: gateway.location) == preferredHost
        }

        /// True for the first fallback: its wait starts now.
        func keepAsFallback(_ gateway: Gateway) -> Bool {
            state.withLock { state in
                guard state.fallback == nil else { return false }
                state.fallback = gateway
                return true
            }
        }

        var fallback: Gateway? { state.withLock { $0.fallback } }

        /// True for a LOCATION not seen before and within the candidate limit: fetch it.
        /// Each answer arrives at least twice (libupnp sends every search twice).
        func claim(_ location: String) -> Bool {
            state.withLock { state in
                guard !location.isEmpty, !state.seen.contains(location), state.seen.count < GatewayDiscovery.maximumCandidates else {
                    return false
                }
                state.seen.insert(location)
                state.fetching += 1
                return true
            }
        }

        func record(_ error: MappingError) {
            state.withLock { $0.lastError = error }
        }

        var finalError: MappingError? { state.withLock { $0.lastError } }

        /// True when this was the last thing pending: the search is over without a gateway.
        func targetFinished() -> Bool {
            state.withLock { state in
                state.unfinishedTargets -= 1
                return state.unfinishedTargets == 0 && state.fetching == 0
            }
        }

        func fetchFinished() -> Bool {
            state.withLock { state in
                state.fetching -= 1
                return state.unfinishedTargets == 0 && state.fetching == 0
            }
        }
    }
}
