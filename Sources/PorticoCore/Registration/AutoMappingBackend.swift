import Synchronization

/// `[mapping] backend = "auto"`: asks every backend at once which router answers, and
/// uses the first in order of preference that did.
///
/// The order is the registry's: UPnP first, because only it can list the router's
/// table, which the representative's directory wants. The choice is kept until the
/// chosen backend finds the router unreachable; then the next call asks them all again.
package final class AutoMappingBackend: MappingBackend {
    private let candidates: [(name: String, backend: any MappingBackend)]
    private let timeout: Duration
    private let chosen = Mutex<Int?>(nil)

    package init(candidates: [(name: String, backend: any MappingBackend)], timeout: Duration) {
        self.candidates = candidates
        self.timeout = timeout
    }

    /// The name of the backend in use, nil before the first exchange.
    package var chosenName: String? { chosen.withLock { $0 }.map { candidates[$0].name } }

    package var canListMappings: Bool {
        chosen.withLock { $0 }.map { candidates[$0].backend.canListMappings } ?? candidates.contains { $0.backend.canListMappings }
    }

    package var routerGeneration: Int { candidates.reduce(0) { $0 + $1.backend.routerGeneration } }

    package func externalAddress() async throws(MappingError) -> String {
        try await using { (backend) async throws(MappingError) in try await backend.externalAddress() }
    }

    package func map(_ request: PortMappingRequest) async throws(MappingError) -> PortMapping {
        try await using { (backend) async throws(MappingError) in try await backend.map(request) }
    }

    package func unmap(externalPort: Int) async throws(MappingError) {
        try await using { (backend) async throws(MappingError) in try await backend.unmap(externalPort: externalPort) }
    }

    package func mappings() async throws(MappingError) -> [PortMapping] {
        try await using { (backend) async throws(MappingError) in try await backend.mappings() }
    }

    package func mapping(externalPort: Int) async throws(MappingError) -> PortMapping? {
        try await using { (backend) async throws(MappingError) in try await backend.mapping(externalPort: externalPort) }
    }

    private func using<T>(_ body: (any MappingBackend) async throws(MappingError) -> T) async throws(MappingError) -> T {
        let index = try await choose()
        do {
            return try await body(candidates[index].backend)
        } catch {
            if error.code == .unreachable { chosen.withLock { $0 = nil } }
            throw error
        }
    }

    /// Probes every candidate at once with an external-address request.
    private func choose() async throws(MappingError) -> Int {
        if let index = chosen.withLock({ $0 }) { return index }
        let candidates = self.candidates
        let answers = await withTaskGroup(of: (Int, Result<String, MappingError>).self) { group in
            for (index, candidate) in candidates.enumerated() {
                group.addTask {
                    do throws(MappingError) {
                        return (index, .success(try await candidate.backend.externalAddress()))
                    } catch {
                        return (index, .failure(error))
                    }
                }
            }
            var answers: [Int: Result<String, MappingError>] = [:]
            for await (index, answer) in group {
                answers[index] = answer
                // The most preferred has answered: no need to wait for the others.
                if case .success = answer, (0..<index).allSatisfy({ answers[$0] != nil }) { group.cancelAll(); break }
            }
            return answers
        }
        for index in candidates.indices {
            if case .success = answers[index] {
                chosen.withLock { $0 = index }
                return index
            }
        }
        let reasons = candidates.indices.compactMap { index -> String? in
            guard case .failure(let error) = answers[index] else { return nil }
            return "\(candidates[index].name): \(error.message)"
        }
        throw MappingError(.unreachable, message: "no router answered any mapping protocol (\(reasons.joined(separator: "; "))); check [mapping] interface and that the router has UPnP or NAT-PMP enabled")
    }
}

extension AutoMappingBackend {
    /// The `auto` plugin over `plugins`, in order of preference; each reads its own keys
    /// from the same `[mapping]` section.
    package static func plugin(choosingAmong plugins: [Plugin<MappingSettings, any MappingBackend>]) -> Plugin<MappingSettings, any MappingBackend> {
        Plugin(name: "auto", summary: "asks \(plugins.map(\.name).joined(separator: " and ")) at once and uses the first that answers, in that order") { section, settings in
            var built: [(name: String, backend: any MappingBackend)] = []
            for plugin in plugins {
                guard let backend = plugin.configure(&section, settings) else { return nil }
                built.append((plugin.name, backend))
            }
            return AutoMappingBackend(candidates: built, timeout: settings.timeout)
        }
    }
}
