/// A pan/tilt move that was refused; nothing moved. The code tells the web API which
/// answer to give, the description tells the person what to do.
package struct PanTiltError: Error, Sendable, Equatable, CustomStringConvertible {
    package struct Code: Hashable, Sendable, CustomStringConvertible {
        package let name: String
        package var description: String { name }

        /// The move would end beyond `[pan_tilt] pan_limits` or `tilt_limits`.
        package static let beyondLimits = Code(name: "beyond-limits")
        /// The driver does not know where the camera points, so limits cannot be kept.
        package static let positionUnknown = Code(name: "position-unknown")
        /// The request itself is wrong (no axis named, not a number).
        package static let invalid = Code(name: "invalid")
        /// The motors are not running (lines unavailable, starting, stopping).
        package static let unavailable = Code(name: "unavailable")
    }

    package var code: Code
    package var description: String

    package init(_ code: Code, _ description: String) {
        self.code = code
        self.description = description
    }
}
