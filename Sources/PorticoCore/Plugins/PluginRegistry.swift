/// The plugins a build of Portico can start, by family.
///
/// The core never names a concrete plugin; the executable fills one of these in a
/// single place (its list of compiled-in plugins) and hands it to the profile loader.
package struct PluginRegistry: Sendable {
    package var cameraSources: [Plugin<CameraSettings, any CameraSource>]
    package var mappingBackends: [Plugin<MappingSettings, any MappingBackend>]
    package var electionPolicies: [Plugin<ElectionSettings, any ElectionPolicy>]
    package var panTiltDrivers: [Plugin<PanTiltSettings, any PanTiltDriver>]
    package var registrationSwitches: [Plugin<SwitchSettings, any RegistrationSwitch>]

    package init(
        cameraSources: [Plugin<CameraSettings, any CameraSource>] = [],
        mappingBackends: [Plugin<MappingSettings, any MappingBackend>] = [],
        electionPolicies: [Plugin<ElectionSettings, any ElectionPolicy>] = [],
        panTiltDrivers: [Plugin<PanTiltSettings, any PanTiltDriver>] = [],
        registrationSwitches: [Plugin<SwitchSettings, any RegistrationSwitch>] = []
    ) {
        self.cameraSources = cameraSources
        self.mappingBackends = mappingBackends
        self.electionPolicies = electionPolicies
        self.panTiltDrivers = panTiltDrivers
        self.registrationSwitches = registrationSwitches
    }
}
