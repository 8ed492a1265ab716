import PorticoCore

/// A site of cameras in virtual time: their `CameraNode`s exactly as the daemon runs
/// them, a router model that grants each external port to one host (UPnP's 718 for
/// the rest; deletion of another host's mapping refused in secure mode), and a LAN
/// that loses, duplicates, delays, reorders and partitions multicast datagrams.
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
    }

    struct Camera {
        var node: CameraNode
        let id: String
        let address: String
        var alive = true
        var group = 0
        var sequence: UInt64 = 0
        var window = ReplayWindow()
    }

    struct Mapping {
        var owner: String
        var expires: Duration?
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

    init(settings: Settings, policy: any ElectionPolicy, seed: UInt64) {
        self.settings = settings
        random = SplitMix64(seed: seed)
        for index in 0..<settings.cameras {
            let id = "cam\(index + 1)"
            let address = "198.51.100.\(11 + index)"
            let registration = Registration.Configuration(
                fixedPort: Self.fixedPort, ports: PortRange(8081, 8099), lease: settings.lease,
                internalAddress: address, internalPort: 8080, description: "portico:\(id)",
                fixedLease: settings.fixedLease)
            let election = Election.Configuration(id: id, inquiryInterval: settings.inquiry, missed: settings.missed)
            let me = CameraRecord(name: id, internalAddress: address, internalPort: 8080, externalPort: nil,
                                  serverValue: "b8:27:eb:00:00:\(String(index, radix: 16))")
            cameras.append(Camera(node: CameraNode(registration: registration, election: election, policy: policy, me: me, at: .zero),
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
            carryOut(cameras[index].node.handle(.start, at: now), for: index)
        }
    }

    mutating func run(until end: Duration) {
        while true {
            let nextDelivery = inFlight.min { $0.at < $1.at }
            let nextWake = cameras.indices.filter { cameras[$0].alive }.map { (index: $0, at: cameras[$0].node.wakeup) }.min { $0.at < $1.at }
            let next = min(nextDelivery?.at ?? end, nextWake?.at ?? end, end)
            if next >= end && (nextDelivery?.at ?? end) >= end && (nextWake?.at ?? end) >= end {
                now = max(now, end)
                return
            }
            now = max(now, next)
            if let delivery = nextDelivery, delivery.at <= now {
                inFlight.removeAll { $0.at == delivery.at && $0.to == delivery.to && $0.message == delivery.message }
                deliver(delivery)
            } else if let wake = nextWake, wake.at <= now {
                carryOut(cameras[wake.index].node.advance(to: now), for: wake.index)
            }
        }
    }

    mutating func crash(_ index: Int) {
        cameras[index].alive = false
        log.append("\(now) crash \(cameras[index].id)")
    }

    mutating func leave(_ index: Int) {
        carryOut(cameras[index].node.handle(.leave, at: now), for: index)
        cameras[index].alive = false
        log.append("\(now) leave \(cameras[index].id)")
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
        guard cameras[delivery.to].window.accept(sender: delivery.message.sender, sequence: delivery.message.sequence) else { return }
        carryOut(cameras[delivery.to].node.handle(.message(delivery.message), at: now), for: delivery.to)
    }

    private mutating func send(_ kind: PeerMessage.Kind, from index: Int) {
        cameras[index].sequence += 1
        let camera = cameras[index]
        let message = PeerMessage(kind: kind, sender: camera.id, sequence: camera.sequence,
                                  term: camera.node.election.term, camera: camera.node.election.me)
        log.append("\(now) \(camera.id) sends \(kind) term \(message.term)")
        for target in cameras.indices where target != index && cameras[target].group == camera.group {
            guard random.nextDouble() >= settings.loss else { continue }
            inFlight.append(Delivery(at: now + randomDuration(upTo: settings.maximumDelay), to: target, message: message))
            if random.nextDouble() < settings.duplication {
                inFlight.append(Delivery(at: now + randomDuration(upTo: settings.maximumDelay * 2), to: target, message: message))
            }
        }
    }

    // MARK: - The router

    private mutating func carryOut(_ actions: [CameraNode.Action], for index: Int) {
        var queue = actions[...]
        while let action = queue.popFirst() {
            switch action {
            case .send(let kind):
                send(kind, from: index)
            case .backend(let request):
                if let result = routerAnswer(request, from: cameras[index].address) {
                    queue.append(contentsOf: cameras[index].node.handle(.backend(result), at: now))
                }
            }
        }
    }

    private mutating func routerAnswer(_ action: Registration.Action, from address: String) -> Registration.Event? {
        router = router.filter { $0.value.expires.map { $0 > now } ?? true }
        switch action {
        case .queryExternalAddress:
            return .externalAddress("93.184.216.34")
        case .map(let request):
            if let holder = router[request.externalPort], holder.owner != address {
                return .mapFailed(MappingError(.conflict, routerCode: 718, message: "ConflictInMappingEntry"))
            }
            router[request.externalPort] = Mapping(owner: address, expires: request.lease == .zero ? nil : now + request.lease)
            return .mapped(PortMapping(externalPort: request.externalPort, internalAddress: address,
                                       internalPort: request.internalPort, lease: request.lease, description: request.description))
        case .unmap(let port):
            if let holder = router[port], holder.owner == address || !settings.secureRouter {
                router[port] = nil
            }
            return nil
        case .takeOver(let port, let predecessor):
            if let holder = router[port], holder.owner == predecessor, !settings.secureRouter {
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
