/// A compiled-in plugin: a name a profile section can select, and how to build it
/// from that section.
///
/// `configure` reads the plugin's own keys and returns a ready-to-run instance that
/// has not touched hardware yet, so the whole profile is validated before anything
/// starts. It records problems in the section and returns nil when it cannot build.
package struct Plugin<Settings: Sendable, Product: Sendable>: Sendable {
    package let name: String
    /// One line for `portico probe` and error messages listing the choices.
    package let summary: String
    package let configure: @Sendable (_ section: inout ProfileSection, _ settings: Settings) -> Product?

    package init(
        name: String, summary: String,
        configure: @escaping @Sendable (_ section: inout ProfileSection, _ settings: Settings) -> Product?
    ) {
        self.name = name
        self.summary = summary
        self.configure = configure
    }
}

/// A plugin chosen by a profile section, built and validated, not yet started.
package struct ConfiguredPlugin<Settings: Sendable, Product: Sendable>: Sendable {
    package let pluginName: String
    package let settings: Settings
    package let instance: Product
}

extension Plugin: CustomStringConvertible {
    package var description: String { "\(name) (\(summary))" }
}
