import GPIOLines

/// The lines of one axis on the chip: its motor's outputs, in one request, and its
/// limit switch if it has one.
final class AxisLines: @unchecked Sendable {
    let axis: AxisSettings
    private let outputs: GPIOOutputs
    private let home: GPIOInput?
    private(set) var energised = false

    init(chip: GPIOChip, axis: AxisSettings) throws(GPIOError) {
        self.axis = axis
        outputs = try chip.requestOutputs(axis.wiring.lines, consumer: "portico-\(axis.name)")
        home = try axis.home.map { (home) throws(GPIOError) in
            try chip.requestInput(home.line, activeLow: home.activeLow, pull: home.pull, consumer: "portico-\(axis.name)-home")
        }
        // Step/dir drivers start disabled: their enable line is active low.
        if case .stepDir(_, _, let enable) = axis.wiring, enable != nil { try outputs.set([0, 0, 1]) }
    }

    /// One step: the coils' next pattern, or a pulse on the step line with the direction set.
    func step(direction: Int, phase: Int) throws(GPIOError) {
        switch axis.wiring {
        case .coils:
            try outputs.set(CoilSequence.coils(atPhase: phase))
        case .stepDir(_, _, let enable):
            let dir: Int32 = direction > 0 ? 1 : 0
            let values: (Int32) -> [Int32] = { step in enable == nil ? [step, dir] : [step, dir, 0] }
            try outputs.set(values(0))
            try outputs.set(values(1))
            try outputs.set(values(0))
        }
        energised = true
    }

    /// No current through the motor while it stands: a 28BYJ-48 held energised runs hot
    /// and wastes the board's supply. A step/dir driver without an enable line stays on.
    func deenergise() throws(GPIOError) {
        guard energised else { return }
        switch axis.wiring {
        case .coils: try outputs.set(CoilSequence.off)
        case .stepDir(_, _, let enable): if enable != nil { try outputs.set([0, 0, 1]) }
        }
        energised = false
    }

    /// The limit switch now; nil when the axis has none.
    func switchActive() throws(GPIOError) -> Bool? {
        try home?.isActive()
    }
}
