import Logging

/// What the authenticated API (and the registration switch) can ask of the running
/// daemon. The daemon supplies how each is carried out; the web server only checks who
/// asks and how, and passes on where the request came from.
///
/// Every change that succeeds is logged here, once, at notice, with the client's
/// address: a person reading the journal sees who renamed, registered or withdrew the
/// camera, whichever way the request arrived.
package struct WebActions: Sendable {
    private let renameCamera: @Sendable (String) async throws -> Void
    private let registerCamera: @Sendable () -> Bool
    private let withdrawCamera: @Sendable () -> Bool
    private let currentPanTilt: @Sendable () -> (any PanTiltDriver)?
    private let logger: Logger

    package init(
        rename: @escaping @Sendable (String) async throws -> Void = { _ in throw WebActionError("renaming is not possible on this board") },
        register: @escaping @Sendable () -> Bool = { false },
        withdraw: @escaping @Sendable () -> Bool = { false },
        panTilt: @escaping @Sendable () -> (any PanTiltDriver)? = { nil },
        logger: Logger = Logger(label: "portico")
    ) {
        self.renameCamera = rename
        self.registerCamera = register
        self.withdrawCamera = withdraw
        self.currentPanTilt = panTilt
        self.logger = logger
    }

    /// Renames the camera; throws a message for the user when the name is refused.
    package func rename(_ name: String, client: String) async throws {
        try await renameCamera(name)
        logger.notice("renamed", metadata: ["name": "\(name)", "client": "\(client)"])
    }

    /// The registration switch in software: false when the board has no `[mapping]`.
    package func register(client: String) -> Bool {
        guard registerCamera() else { return false }
        logger.notice("registration asked for", metadata: ["client": "\(client)"])
        return true
    }

    /// The long press in software: give the port back. False without `[mapping]`.
    package func withdraw(client: String) -> Bool {
        guard withdrawCamera() else { return false }
        logger.notice("withdrawal asked for", metadata: ["client": "\(client)"])
        return true
    }

    /// The board's pan/tilt motors as they are now; nil when its profile has no `[pan_tilt]`.
    package var panTilt: (any PanTiltDriver)? { currentPanTilt() }
}

package struct WebActionError: Error, Sendable, CustomStringConvertible {
    package let description: String
    package init(_ description: String) { self.description = description }
}
