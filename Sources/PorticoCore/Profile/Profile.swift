/// A board, as its profile describes it: validated as a whole, every plugin chosen
/// and configured, nothing started yet.
///
/// A family whose section is absent is nil: the board lacks that hardware, nothing
/// for it starts, and `/state` and `portico probe` say so.
public struct Profile: Sendable {
    /// Shown on the directory page; also the camera's host name there.
    public var name: String
    /// The file the profile came from, as the user named it.
    public var file: String
    public var http: HTTPSettings
    /// Where the camera keeps what changes at run time (a rename, the motors' position).
    public var stateDirectory: String
    public var camera: ConfiguredPlugin<CameraSettings, any CameraSource>?
    public var mapping: ConfiguredPlugin<MappingSettings, any MappingBackend>?
    public var election: ConfiguredPlugin<ElectionSettings, any ElectionPolicy>?
    public var panTilt: ConfiguredPlugin<PanTiltSettings, any PanTiltDriver>?
    public var registrationSwitch: ConfiguredPlugin<SwitchSettings, any RegistrationSwitch>?
    /// What each section says, for a reload to compare with the running profile.
    public var contents: ProfileContents

    /// One line per family section, for `probe` and `/state`.
    public var pieces: [PieceReport] {
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
public struct PieceReport: Sendable, Equatable, Codable {
    public var section: String
    /// The plugin's name, nil when absent.
    public var plugin: String?
    /// The family settings in words when configured; why nothing starts when absent.
    public var detail: String

    public var isPresent: Bool { plugin != nil }

    init<S: CustomStringConvertible, P>(section: String, piece: ConfiguredPlugin<S, P>?, file: String) {
        self.section = section
        self.plugin = piece?.pluginName
        self.detail = piece.map { $0.settings.description } ?? "no [\(section)] section in \(file)"
    }
}
