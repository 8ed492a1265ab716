/// What the authenticated API can ask of the running daemon. The daemon supplies these;
/// the web server only checks who asks and how.
public struct WebActions: Sendable {
    /// Renames the camera; throws a message for the user when the name is refused.
    public var rename: @Sendable (String) async throws -> Void
    /// The registration switch in software: false when the board has no `[mapping]`.
    public var register: @Sendable () -> Bool
    /// The long press in software: give the port back.
    public var withdraw: @Sendable () -> Bool
    /// The board's pan/tilt motors; nil when its profile has no `[pan_tilt]`.
    public var panTilt: (any PanTiltDriver)?

    public init(
        rename: @escaping @Sendable (String) async throws -> Void = { _ in throw WebActionError("renaming is not possible on this board") },
        register: @escaping @Sendable () -> Bool = { false },
        withdraw: @escaping @Sendable () -> Bool = { false },
        panTilt: (any PanTiltDriver)? = nil
    ) {
        self.rename = rename
        self.register = register
        self.withdraw = withdraw
        self.panTilt = panTilt
    }
}

public struct WebActionError: Error, Sendable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
