/// The resistor the chip puts on an input line, for a switch wired without its own.
package enum GPIOPull: String, Sendable, Equatable, CaseIterable {
    case up
    case down
    /// Bias disabled: the board has its own resistor.
    case none
    /// Whatever the line is set to already (firmware, device tree).
    case asIs = "as-is"
}
