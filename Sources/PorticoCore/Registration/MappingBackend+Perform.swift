import Logging

extension MappingBackend {
    /// Carries out one action of the registration state machine and returns its outcome
    /// as the event to feed back (none for `unmap`, whose failure only means the lease
    /// will end it; for a takeover, whether the router let it delete the predecessor's
    /// mapping, when it could tell). `stillWanted` is asked between reading an entry and deleting it in a
    /// takeover: a claim that ended meanwhile (a rival won and may have just mapped the
    /// port) must not delete what it read.
    package func perform(_ action: Registration.Action, logger: Logger,
                        stillWanted: @Sendable () -> Bool = { true }) async -> Registration.Event? {
        switch action {
        case .queryExternalAddress:
            do {
                return .externalAddress(try await externalAddress())
            } catch {
                // Said once by `RegistrationNews` (the status's last error), not at every retry.
                logger.debug("cannot learn the external address", metadata: ["error": "\(error)"])
                return .externalAddressFailed(error)
            }
        case .map(let request):
            do {
                let granted = try await map(request)
                // Renewals are routine; `RegistrationNews` says when the port or address changes.
                logger.debug("mapped", metadata: ["external_port": "\(granted.externalPort)", "asked": "\(request.externalPort)",
                                                  "lease": "\(ProfileDuration.format(granted.lease))"])
                return .mapped(granted)
            } catch {
                logger.debug("port \(request.externalPort) not mapped", metadata: ["error": "\(error)", "code": "\(error.code)"])
                return .mapFailed(error)
            }
        case .takeOver(let port, let predecessor):
            // NAT-PMP deletes only the asking host's own mappings: only its lease can end it.
            guard canListMappings else { return .takeOverRefused(leaseLeft: nil) }
            let held: PortMapping?
            do throws(MappingError) {
                held = try await mapping(externalPort: port)
            } catch {
                logger.debug("predecessor's mapping not read; the claim asks until it has lapsed", metadata: ["error": "\(error)"])
                return nil
            }
            guard let held, held.internalAddress == predecessor, stillWanted() else { return nil }
            do throws(MappingError) {
                try await unmap(externalPort: port)
            } catch where error.code == .notAuthorized {
                // Secure mode: another host's mapping cannot be deleted. The lease it had
                // left when read says when to ask again.
                logger.info("the router refuses to delete the predecessor's mapping; waiting for its lease",
                            metadata: ["external_port": "\(port)", "from": "\(predecessor)", "lease_left": "\(ProfileDuration.format(held.lease))"])
                return .takeOverRefused(leaseLeft: held.lease == .zero ? nil : held.lease)
            } catch {
                logger.debug("predecessor's mapping not removed; the claim asks until it has lapsed", metadata: ["error": "\(error)"])
                return nil
            }
            logger.info("took over the fixed port's mapping", metadata: ["external_port": "\(port)", "from": "\(predecessor)"])
            return .tookOver
        case .giveBack(let port, let holder):
            do {
                if !canListMappings {
                    // NAT-PMP removes only the asking host's own mappings: nothing to check.
                    try await unmap(externalPort: port)
                } else if !(try await unmap(externalPort: port, ifForwardingTo: holder)) {
                    logger.info("the fixed port is no longer ours; left to its holder", metadata: ["external_port": "\(port)"])
                    return nil
                }
                logger.info("unmapped", metadata: ["external_port": "\(port)"])
            } catch {
                logger.debug("mapping not removed; it ends with its lease", metadata: ["external_port": "\(port)", "error": "\(error)"])
            }
            return nil
        case .unmap(let port):
            do {
                try await unmap(externalPort: port)
                logger.info("unmapped", metadata: ["external_port": "\(port)"])
            } catch {
                logger.debug("mapping not removed; it ends with its lease", metadata: ["external_port": "\(port)", "error": "\(error)"])
            }
            return nil
        }
    }

    /// Deletes the mapping of `port` only if the router's entry forwards to `address`, and
    /// `stillWanted()` between the read and the delete; whether it did. UPnP has no
    /// conditional delete, so this read-then-delete is the nearest: the callers keep the
    /// gap between the two small and ask again in it.
    private func unmap(externalPort port: Int, ifForwardingTo address: String,
                       stillWanted: () -> Bool = { true }) async throws(MappingError) -> Bool {
        guard let held = try await mapping(externalPort: port), held.internalAddress == address, stillWanted() else { return false }
        try await unmap(externalPort: port)
        return true
    }
}
