import NATPMPMapping
import PorticoCore
import TestPatternCamera
import UPnPMapping

/// The plugins compiled into this build: the one place that names concrete plugins.
/// A plugin target added to Package.swift is listed here and nowhere else.
enum CompiledInPlugins {
    static let registry = PluginRegistry(
        cameraSources: [
            TestPatternCamera.plugin,
        ],
        mappingBackends: [
            UPnPMapping.plugin,
            NATPMPMapping.plugin,
        ]
    )
}
