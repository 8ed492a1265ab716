import FirstComePolicy
import GPIOButtonSwitch
import GPIOStepperPanTilt
import NATPMPMapping
import PortOrderPolicy
import PorticoCore
import RandomBackoffPolicy
import ServerValuePolicy
import TestPatternCamera
import UPnPMapping
import V4L2Camera

/// The plugins compiled into this build: the one place that names concrete plugins.
/// A plugin target added to Package.swift is listed here and nowhere else.
package enum CompiledInPlugins {
    package static let registry = PluginRegistry(
        cameraSources: [
            TestPatternCamera.plugin,
            V4L2Camera.plugin,
        ],
        mappingBackends: mappingBackends + [AutoMappingBackend.plugin(choosingAmong: mappingBackends)],
        electionPolicies: [
            FirstComePolicy.plugin,
            RandomBackoffPolicy.plugin,
            PortOrderPolicy.plugin,
            ServerValuePolicy.plugin,
        ],
        panTiltDrivers: [
            GPIOStepperPanTilt.plugin,
        ],
        registrationSwitches: [
            GPIOButtonSwitch.plugin,
        ]
    )

    /// In order of preference for `auto`.
    package static let mappingBackends = [
        UPnPMapping.plugin,
        NATPMPMapping.plugin,
    ]
}
