/// What every plugin of one kind shares: the profile section that configures it, the
/// key that names the plugin, and the keys the core reads for all plugins of the kind.
package struct PluginFamily<Settings: Sendable, Product: Sendable>: Sendable {
    /// `camera`, `mapping`, ...; the section's absence means the board lacks the hardware.
    package let section: String
    /// The key naming the plugin, e.g. `source` in `[camera]`.
    package let selector: String
    /// What the family is, for messages: "camera source".
    package let noun: String
    package let readSettings: @Sendable (inout ProfileSection) -> Settings

    package init(
        section: String, selector: String, noun: String,
        readSettings: @escaping @Sendable (inout ProfileSection) -> Settings
    ) {
        self.section = section
        self.selector = selector
        self.noun = noun
        self.readSettings = readSettings
    }
}

/// The five plugin families and their sections.
package enum PluginFamilies {
    package static let camera = PluginFamily<CameraSettings, any CameraSource>(
        section: "camera", selector: "source", noun: "camera source", readSettings: CameraSettings.init(reading:))
    package static let mapping = PluginFamily<MappingSettings, any MappingBackend>(
        section: "mapping", selector: "backend", noun: "mapping backend", readSettings: MappingSettings.init(reading:))
    package static let election = PluginFamily<ElectionSettings, any ElectionPolicy>(
        section: "election", selector: "policy", noun: "election policy", readSettings: ElectionSettings.init(reading:))
    package static let panTilt = PluginFamily<PanTiltSettings, any PanTiltDriver>(
        section: "pan_tilt", selector: "driver", noun: "pan/tilt driver", readSettings: PanTiltSettings.init(reading:))
    package static let registrationSwitch = PluginFamily<SwitchSettings, any RegistrationSwitch>(
        section: "switch", selector: "driver", noun: "registration switch", readSettings: SwitchSettings.init(reading:))

    /// Every section a profile may have besides `[http]`, in the order `probe` reports them.
    package static let sections = [camera.section, mapping.section, election.section, panTilt.section, registrationSwitch.section]
}
