/// The half-step sequence of a unipolar stepper (28BYJ-48 through a ULN2003): one coil,
/// then two, around the four. Half-stepping doubles the resolution of full steps and
/// runs smoother; 4076 to 4096 half-steps turn the geared shaft once.
enum CoilSequence {
    /// Coils A, B, C, D per phase: 1000, 1100, 0100, 0110, 0010, 0011, 0001, 1001.
    static let halfSteps: [[Int32]] = [
        [1, 0, 0, 0], [1, 1, 0, 0], [0, 1, 0, 0], [0, 1, 1, 0],
        [0, 0, 1, 0], [0, 0, 1, 1], [0, 0, 0, 1], [1, 0, 0, 1],
    ]

    /// The coils for a phase counter that runs up and down without bound.
    static func coils(atPhase phase: Int) -> [Int32] {
        halfSteps[((phase % 8) + 8) % 8]
    }

    static let off: [Int32] = [0, 0, 0, 0]
}
