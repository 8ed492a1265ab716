import Synchronization

/// The camera's name as shown on the directory: the profile's, until it is renamed
/// through the API; a rename is kept in the state folder (written atomically) so it
/// survives a restart.
package final class CameraName: Sendable {
    private let current: Mutex<String>
    private let file: String

    /// The stored rename if there is a valid one, else the profile's name.
    package init(profileName: String, stateDirectory: String) {
        file = stateDirectory + "/name"
        var name = profileName
        if let stored = try? ProfileLoader.read(file) {
            let trimmed = stored.filter { !$0.isWhitespace }
            if ProfileLoader.isValidName(trimmed) { name = trimmed }
        }
        current = Mutex(name)
    }

    package var value: String { current.withLock { $0 } }

    package func rename(to name: String) throws(WebActionError) {
        guard ProfileLoader.isValidName(name) else {
            throw WebActionError("'\(name)' cannot be a camera name: use 1 to 63 letters, digits, '-' or '_'")
        }
        do {
            try AtomicFile.write(Array((name + "\n").utf8), to: file)
        } catch {
            throw WebActionError("the new name could not be stored: \(error); check [state_dir] in the profile")
        }
        current.withLock { $0 = name }
    }
}
