/// A board, as its profile describes it: validated as a whole, every plugin chosen
/// and configured, nothing started yet.
///
/// A family whose section is absent is nil: the board lacks that hardware, nothing
/// for it starts, and `/state` and `portico probe` say so.
package struct Profile: Sendable {
    /// Shown on the directory page; also the camera's host name there.
    package var name: String
    /// The file the profile came from, as the user named it.
    package var file: String
    package var http: HTTPSettings
    /// Where the camera keeps what changes at run time (a rename, the motors' position).
    package var stateDirectory: String
    package var camera: ConfiguredPlugin<CameraSettings, any CameraSource>?
    package var mapping: ConfiguredPlugin<MappingSettings, any MappingBackend>?
    package var election: ConfiguredPlugin<ElectionSettings, any ElectionPolicy>?
    package var panTilt: ConfiguredPlugin<PanTiltSettings, any PanTiltDriver>?
    package var registrationSwitch: ConfiguredPlugin<SwitchSettings, any RegistrationSwitch>?
    /// What each section says, for a reload to compare with the running profile.
    package var contents: ProfileContents

    /// One line per family section, for `probe` and `/state`.
    package var pieces: [PieceReport] {
        [
            PieceReport(section: PluginFamilies.camera.section, piece: camera, file: file),
            PieceReport(section: PluginFamilies.mapping.section, piece: mapping, file: file),
            PieceReport(section: PluginFamilies.election.section, piece: election, file: file),
            PieceReport(section: PluginFamilies.panTilt.section, piece: panTilt, file: file),
            PieceReport(section: PluginFamilies.registrationSwitch.section, piece: registrationSwitch, file: file),
        ]
    }
}

/// Whether a family's section is present, and with which plugin.
package struct PieceReport: Sendable, Equatable, Codable {
    package var section: String
    /// The plugin's name, nil when absent.
    package var plugin: String?
    /// The family settings in words when configured; why nothing starts when absent.
    package var detail: String

    package var isPresent: Bool { plugin != nil }

    init<S: CustomStringConvertible, P>(section: String, piece: ConfiguredPlugin<S, P>?, file: String) {
        self.section = section
        self.plugin = piece?.pluginName
        self.detail = piece.map { $0.settings.description } ?? "no [\(section)] section in \(file)"
    }
}
