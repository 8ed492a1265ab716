/// The file and the positions of some keys of one section, kept by a plugin so that a
/// problem found later on the hardware (a size the camera lacks, a GPIO line another
/// program holds) points at the profile line that asked for it.
package struct ProfileOrigin: Sendable, Equatable {
    package var file: String
    package var section: String
    package var header: SourcePosition
    package var positions: [String: SourcePosition]

    package init(section: ProfileSection, keys: [String]) {
        file = section.file
        self.section = section.name
        header = section.headerPosition
        positions = [:]
        for key in keys {
            if let position = section.position(of: key) { positions[key] = position }
        }
    }

    /// A problem with `key` found on the hardware, as a profile error at the key's value
    /// (or at the section header when the key was left to its default).
    package func problem(_ key: String, _ message: String, valid: [String] = []) -> ProfileError {
        let position = positions[key] ?? header
        return ProfileError(
            .invalidValue, file: file, line: position.line, column: position.column,
            key: "\(section).\(key)", message: message, validChoices: valid)
    }
}
