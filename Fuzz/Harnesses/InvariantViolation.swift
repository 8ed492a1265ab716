/// A property a harness checks besides "does not crash" that did not hold: the fuzz
/// target traps on it so libFuzzer keeps the input; a unit test replaying the input
/// fails with the message.
package struct InvariantViolation: Error, CustomStringConvertible {
    package let description: String

    /// Throws when `condition` is false.
    package static func check(_ condition: Bool, _ message: @autoclosure () -> String) throws(InvariantViolation) {
        if !condition { throw InvariantViolation(description: message()) }
    }
}
