import PorticoCore

/// A site of cameras in virtual time: their `CameraNode`s driven by the daemon's own
/// `CameraNodeDriver` (the same queue of exchanges, the same order of events), a router model that grants each external port to one host (UPnP's 718 for
/// the rest; deletion of another host's mapping refused in secure mode, the refusal
/// saying the lease left in whole seconds as miniupnpd does), and a LAN
/// that loses, duplicates, delays, reorders and partitions multicast datagrams.
///
/// By default the router answers at once. With `routerDelay` or `routerLoss` it is a
/// router on a lossy link: each exchange the driver hands out takes up to `routerDelay`,
/// and with `routerLoss` it outlasts `routerTimeout` and fails as unreachable, the
/// router having carried out the request or not (a lost request or a lost answer).
///
/// This holds only the simulated world (the LAN, the router, the clock, the faults);
/// what a camera does with what happens is the driver's.
///
/// Everything random comes from one seed, so a failing run can be replayed.
struct SiteSimulation {
    struct Settings {
        var cameras = 3
        var loss = 0.0
        var duplication = 0.0
        var maximumDelay: Duration = .milliseconds(50)
        var secureRouter = true
        var inquiry: Duration = .seconds(1)
        var missed = 2
        var lease: Duration = .seconds(20)
        var fixedLease: Duration = .seconds(4)
        /// The fixed port's lease once a takeover has deleted a predecessor's mapping; nil: `fixedLease`.
        var fixedLeaseWhereDeletable: Duration?
        var routerDelay: Duration = .zero
        var routerLoss = 0.0
        var routerTimeout: Duration = .seconds(5)
        /// Each peer message sent this many times (the daemon's `[election] copies`).
        var copies = 1
        /// Claimants keep their own port until they have the fixed one (as with UPnP).
        var keepOwnPort = false
    }

    /// An exchange with the router in progress: done at `endsAt`, carried out by the
    /// router at `appliedAt` (nil: the request was lost).
    struct Exchange {
        var action: Registration.Action
        var endsAt: Duration
        var appliedAt: Duration?
        var answer: Registration.Event?
        var unanswered: Bool
    }

    struct Camera {
        var driver: CameraNodeDriver
        var node: CameraNode { driver.node }
        let id: String
        /// Its LAN address now (see `move`).
        var address: String
        var alive = true
        var group = 0
        /// The exchange the router is busy with for this camera, if slow.
        var exchange: Exchange?
    }

    struct Mapping {
        var owner: String
        var expires: Duration?
        var description = ""
    }

    struct Delivery {
        var at: Duration
        var to: Int
        var message: PeerMessage
    }

    static let fixedPort = 8080
    var settings: Settings
    var cameras: [Camera] = []
    var router: [Int: Mapping] = [:]
    var inFlight: [Delivery] = []
    var now: Duration = .zero
    var random: SplitMix64
    var log: [String] = []
    /// Requests for the fixed port the router has answered, from any camera.
    var fixedPortRequests = 0

    init(settings: Settings, policy: any ElectionPolicy, seed: UInt64) {
        self.settings = settings
        random = SplitMix64(seed: seed)
        for index in 0..<settings.cameras {
            let id = "cam\(index + 1)"
            let address = "198.51.100.\(11 + index)"
            let registration = Registration.Configuration(
                fixedPort: Self.fixedPort, ports: PortRange(8081, 8099), lease: settings.lease,
                internalAddress: address, internalPort: 8080, description: "portico:\(id)",
                fixedLease: settings.fixedLease, fixedLeaseWhereDeletable: settings.fixedLeaseWhereDeletable,
                keepsOwnPort: settings.keepOwnPort)
            let election = Election.Configuration(id: id, inquiryInterval: settings.inquiry, missed: settings.missed,
                                                  claimTimeout: settings.routerTimeout * 2)
            let me = CameraRecord(name: id, internalAddress: address, internalPort: 8080, externalPort: nil,
                                  serverValue: "b8:27:eb:00:00:\(String(index, radix: 16))")
            let node = CameraNode(registration: registration, election: election, policy: policy, me: me, at: .zero)
            cameras.append(Camera(driver: CameraNodeDriver(node: node, configuration: .init(copies: settings.copies)),
                                  id: id, address: address))
        }
    }

    // MARK: - Driving

    /// Boots every camera at a random moment within `spread`.
    mutating func boot(within spread: Duration) {
        var order = Array(cameras.indices)
        order.shuffle(using: &random)
        for index in order {
            run(until: now + randomDuration(upTo: spread / cameras.count))
            carryOut(cameras[index].driver.handle(.start, at: now), for: index)
        }
    }

    mutating func run(until end: Duration) {
        while true {
            let nextDelivery = inFlight.min { $0.at < $1.at }
            let nextWake = cameras.indices.filter { cameras[$0].alive }.map { (index: $0, at: cameras[$0].node.wakeup) }.min { $0.at < $1.at }
            let nextExchange = cameras.indices.filter { cameras[$0].alive && cameras[$0].exchange != nil }
                .map { (index: $0, at: min(cameras[$0].exchange!.endsAt, cameras[$0].exchange!.appliedAt ?? .seconds(1 << 40))) }
                .min { $0.at < $1.at }
            let next = min(nextDelivery?.at ?? end, nextWake?.at ?? end, nextExchange?.at ?? end, end)
            if next >= end && (nextDelivery?.at ?? end) >= end && (nextWake?.at ?? end) >= end && (nextExchange?.at ?? end) >= end {
                now = max(now, end)
                return
            }
            now = max(now, next)
            if let exchange = nextExchange, exchange.at <= now {
                progress(exchangeOf: exchange.index)
            } else if let delivery = nextDelivery, delivery.at <= now {
                inFlight.removeAll { $0.at == delivery.at && $0.to == delivery.to && $0.message == delivery.message }
                deliver(delivery)
            } else if let wake = nextWake, wake.at <= now {
                carryOut(cameras[wake.index].driver.turn(at: now), for: wake.index)
            }
        }
    }

    mutating func crash(_ index: Int) {
        cameras[index].alive = false
        cameras[index].exchange = nil
        log.append("\(now) crash \(cameras[index].id)")
    }

    mutating func leave(_ index: Int) {
        // The exchange under way abandoned, the port given back directly (unless that
        // exchange is lost too), then the bye.
        cameras[index].exchange = nil
        let (requests, byes) = cameras[index].driver.leave(at: now)
        for request in requests where settings.routerLoss == 0 || random.nextDouble() >= settings.routerLoss {
            _ = routerAnswer(request, from: cameras[index].address)
        }
        for message in byes { send(message, from: index) }
        cameras[index].alive = false
        log.append("\(now) leave \(cameras[index].id)")
    }

    /// The camera's LAN address changes (a DHCP renewal handing out another), as its
    /// daemon's address watch reports it: the router sees its requests from the new address.
    mutating func move(_ index: Int, to address: String) {
        cameras[index].address = address
        log.append("\(now) \(cameras[index].id) moves to \(address)")
        carryOut(cameras[index].driver.turn(at: now, addressChanged: address), for: index)
    }

    /// Camera `index` reads the router's table (as the daemon's representative does every
    /// inquiry interval), answered at once.
    mutating func readTable(by index: Int) {
        router = router.filter { $0.value.expires.map { $0 > now } ?? true }
        let table = router.sorted { $0.key < $1.key }.map { port, mapping in
            PortMapping(externalPort: port, internalAddress: mapping.owner, internalPort: 8080,
                        lease: mapping.expires.map { $0 - now } ?? .zero, description: mapping.description)
        }
        cameras[index].driver.tableRead(table)
        carryOut(cameras[index].driver.turn(at: now), for: index)
    }

    /// The network heals: one segment, no loss, no duplication.
    mutating func heal() {
        partition(Array(repeating: 0, count: cameras.count))
        settings.loss = 0
        settings.duplication = 0
    }

    mutating func partition(_ groups: [Int]) {
        for index in cameras.indices { cameras[index].group = groups[index] }
    }

    // MARK: - The LAN

    private mutating func deliver(_ delivery: Delivery) {
        guard cameras[delivery.to].alive else { return }
        // A replay or a term out of reach is dropped, as the daemon drops it.
        guard let outputs = try? cameras[delivery.to].driver.receive(delivery.message, at: now) else { return }
        carryOut(outputs, for: delivery.to)
    }

    /// One copy of a message onto the LAN.
    private mutating func send(_ message: PeerMessage, from index: Int) {
        let camera = cameras[index]
        log.append("\(now) \(camera.id) sends \(message.kind) term \(message.term)")
        for target in cameras.indices where target != index && cameras[target].group == camera.group {
            guard random.nextDouble() >= settings.loss else { continue }
            inFlight.append(Delivery(at: now + randomDuration(upTo: settings.maximumDelay), to: target, message: message))
            if random.nextDouble() < settings.duplication {
                inFlight.append(Delivery(at: now + randomDuration(upTo: settings.maximumDelay * 2), to: target, message: message))
            }
        }
    }

    // MARK: - The router

    /// Does what the camera's driver says: messages onto the LAN, exchanges to the router
    /// (answered at once, or begun on the slow one). Each exchange's end is handed back as
    /// the daemon's worker hands it back: the next one begins, then a turn hands the
    /// answer to the node.
    private mutating func carryOut(_ outputs: [CameraNodeDriver.Output], for index: Int, afterExchangeEnded: Bool = false) {
        var queue = outputs[...]
        var ended = afterExchangeEnded
        while let output = queue.popFirst() {
            switch output {
            case .send(let message):
                send(message, from: index)
            case .exchange(let exchange):
                if settings.routerDelay == .zero && settings.routerLoss == 0 {
                    let answer = routerAnswer(exchange.action, from: cameras[index].address)
                    queue.append(contentsOf: cameras[index].driver.exchangeEnded(answer: answer))
                    ended = true
                } else {
                    startExchange(exchange.action, of: index)
                }
            case .readTable:
                break
            case .roleChanged(let role, let term, _):
                log.append("\(now) \(cameras[index].id) is \(role) in term \(term)")
            }
        }
        if ended || cameras[index].driver.hasReturned { carryOut(cameras[index].driver.turn(at: now), for: index) }
    }

    /// The camera's next exchange with the slow, lossy router begins.
    private mutating func startExchange(_ action: Registration.Action, of index: Int) {
        let takes = randomDuration(upTo: settings.routerDelay)
        if random.nextDouble() < settings.routerLoss {
            // Outlasts the timeout: the request lost, or carried out and its answer lost.
            let carriedOut = random.next() % 2 == 0
            cameras[index].exchange = Exchange(action: action, endsAt: now + settings.routerTimeout,
                                               appliedAt: carriedOut ? now + min(takes, settings.routerTimeout) : nil,
                                               answer: nil, unanswered: true)
        } else {
            cameras[index].exchange = Exchange(action: action, endsAt: now + takes, appliedAt: now + takes, answer: nil, unanswered: false)
        }
    }

    /// The router carries out the request when it arrives; the camera hears at the end.
    private mutating func progress(exchangeOf index: Int) {
        guard var exchange = cameras[index].exchange else { return }
        if let applied = exchange.appliedAt, applied <= now {
            exchange.answer = routerAnswer(exchange.action, from: cameras[index].address)
            exchange.appliedAt = nil
            cameras[index].exchange = exchange
            if exchange.endsAt > now { return }
        }
        guard exchange.endsAt <= now else { return }
        cameras[index].exchange = nil
        var answer = exchange.answer
        if exchange.unanswered {
            let error = MappingError(.unreachable, message: "the router did not answer")
            switch exchange.action {
            case .map: answer = .mapFailed(error)
            case .queryExternalAddress: answer = .externalAddressFailed(error)
            case .unmap, .takeOver, .giveBack: answer = nil
            }
        }
        carryOut(cameras[index].driver.exchangeEnded(answer: answer), for: index, afterExchangeEnded: true)
    }

    private mutating func routerAnswer(_ action: Registration.Action, from address: String) -> Registration.Event? {
        router = router.filter { $0.value.expires.map { $0 > now } ?? true }
        switch action {
        case .queryExternalAddress:
            return .externalAddress("93.184.216.34")
        case .map(let request):
            if request.externalPort == Self.fixedPort { fixedPortRequests += 1 }
            if let holder = router[request.externalPort], holder.owner != address {
                return .mapFailed(MappingError(.conflict, routerCode: 718, message: "ConflictInMappingEntry"))
            }
            router[request.externalPort] = Mapping(owner: address, expires: request.lease == .zero ? nil : now + request.lease,
                                                   description: request.description)
            return .mapped(PortMapping(externalPort: request.externalPort, internalAddress: address,
                                       internalPort: request.internalPort, lease: request.lease, description: request.description))
        case .unmap(let port):
            if let holder = router[port], holder.owner == address || !settings.secureRouter {
                router[port] = nil
            }
            return nil
        case .takeOver(let port, let predecessor):
            guard let holder = router[port], holder.owner == predecessor else { return nil }
            guard settings.secureRouter else {
                router[port] = nil
                return .tookOver
            }
            // miniupnpd counts whole seconds from its own start: the lease it says is left ends
            // within the second before. Here: the time left rounded up.
            return .takeOverRefused(leaseLeft: holder.expires.map { expires in
                let (seconds, attoseconds) = (expires - now).components
                return .seconds(seconds + (attoseconds > 0 ? 1 : 0))
            })
        case .giveBack(let port, let holder):
            // In secure mode only the mapping's own host may delete it (one that moved cannot).
            if let mapping = router[port], mapping.owner == holder, holder == address || !settings.secureRouter {
                router[port] = nil
            }
            return nil
        }
    }

    // MARK: - Verdict

    /// What must hold once the network has settled; nil when it does, else why not.
    func settledProblem() -> String? {
        let live = cameras.filter(\.alive)
        guard !live.isEmpty else { return nil }
        let representatives = live.filter { $0.node.election.role == .representative }
        guard representatives.count == 1, let representative = representatives.first else {
            return "\(representatives.count) representatives: \(representatives.map(\.id))"
        }
        guard router[Self.fixedPort]?.owner == representative.address else {
            return "representative \(representative.id) does not hold the fixed port (router: \(router[Self.fixedPort]?.owner ?? "nobody"))"
        }
        for camera in live where camera.id != representative.id {
            if camera.node.election.representative != representative.id {
                return "\(camera.id) follows \(camera.node.election.representative ?? "nobody"), not \(representative.id)"
            }
            if camera.node.election.role != .member { return "\(camera.id) is \(camera.node.election.role)" }
        }
        let listed = representative.node.directory()
        for camera in live {
            if listed.filter({ $0.name == camera.id }).count > 1 { return "\(camera.id) is listed more than once: \(listed)" }
            guard let entry = listed.first(where: { $0.internalAddress == camera.address }) else {
                return "\(camera.id) is missing from the directory"
            }
            guard let port = entry.externalPort, router[port]?.owner == camera.address else {
                return "\(camera.id) is listed on port \(entry.externalPort.map(String.init) ?? "none"), which the router does not give it"
            }
        }
        for camera in cameras where !camera.alive {
            if listed.contains(where: { $0.internalAddress == camera.address }) { return "\(camera.id) is gone but still listed" }
        }
        return nil
    }

    // MARK: - Randomness

    mutating func randomDuration(upTo limit: Duration) -> Duration {
        let microseconds = limit.components.seconds * 1_000_000 + limit.components.attoseconds / 1_000_000_000_000
        return .microseconds(Int64(random.next() % UInt64(max(1, microseconds))))
    }
}

/// A small, fast, seedable generator: runs replay from their seed.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func nextDouble() -> Double { Double(next() >> 11) / Double(1 << 53) }
}
