import ServiceLifecycle

/// Two services that start and stop as one piece: the web server on its port and on the
/// fixed port's own, which a reload replaces together. When either ends, so does the other.
struct ServicePair: Service {
    let first: any Service
    let second: any Service

    init(_ first: any Service, _ second: any Service) {
        self.first = first
        self.second = second
    }

    func run() async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await first.run() }
            group.addTask { try await second.run() }
            try await group.next()
            group.cancelAll()
        }
    }
}
