/// A mapping backend whose every exchange with the router is timed and counted in
/// `RouterExchanges`, whatever the protocol: the registration and the site talk to
/// this, so no call can go to the router unmeasured.
struct TimedMappingBackend: MappingBackend {
    let backend: any MappingBackend
    let exchanges: RouterExchanges

    var canListMappings: Bool { backend.canListMappings }
    var keepsSeveralMappingsPerHost: Bool { backend.keepsSeveralMappingsPerHost }
    var routerGeneration: Int { backend.routerGeneration }

    func externalAddress() async throws(MappingError) -> String {
        try await timed(.externalAddress) { () async throws(MappingError) in try await backend.externalAddress() }
    }

    func map(_ request: PortMappingRequest) async throws(MappingError) -> PortMapping {
        try await timed(.map) { () async throws(MappingError) in try await backend.map(request) }
    }

    func unmap(externalPort: Int) async throws(MappingError) {
        try await timed(.unmap) { () async throws(MappingError) in try await backend.unmap(externalPort: externalPort) }
    }

    func mappings() async throws(MappingError) -> [PortMapping] {
        try await timed(.listMappings) { () async throws(MappingError) in try await backend.mappings() }
    }

    func mapping(externalPort: Int) async throws(MappingError) -> PortMapping? {
        try await timed(.readMapping) { () async throws(MappingError) in try await backend.mapping(externalPort: externalPort) }
    }

    private func timed<T>(
        _ operation: RouterExchanges.Operation, _ exchange: () async throws(MappingError) -> T
    ) async throws(MappingError) -> T {
        let start = ContinuousClock.now
        do {
            let result = try await exchange()
            exchanges.record(operation, took: .now - start, failure: nil)
            return result
        } catch {
            exchanges.record(operation, took: .now - start, failure: error.code)
            throw error
        }
    }
}
