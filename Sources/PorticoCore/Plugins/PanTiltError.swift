/// A pan/tilt move that was refused; nothing moved. The code tells the web API which
/// answer to give, the description tells the person what to do.
public struct PanTiltError: Error, Sendable, Equatable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let name: String
        public var description: String { name }

        /// The move would end beyond `[pan_tilt] pan_limits` or `tilt_limits`.
        public static let beyondLimits = Code(name: "beyond-limits")
        /// The driver does not know where the camera points, so limits cannot be kept.
        public static let positionUnknown = Code(name: "position-unknown")
        /// The request itself is wrong (no axis named, not a number).
        public static let invalid = Code(name: "invalid")
        /// The motors are not running (lines unavailable, starting, stopping).
        public static let unavailable = Code(name: "unavailable")
    }

    public var code: Code
    public var description: String

    public init(_ code: Code, _ description: String) {
        self.code = code
        self.description = description
    }
}
