/// A compiled-in plugin: a name a profile section can select, and how to build it
/// from that section.
///
/// `configure` reads the plugin's own keys and returns a ready-to-run instance that
/// has not touched hardware yet, so the whole profile is validated before anything
/// starts. It records problems in the section and returns nil when it cannot build.
public struct Plugin<Settings: Sendable, Product: Sendable>: Sendable {
    public let name: String
    /// One line for `portico probe` and error messages listing the choices.
    public let summary: String
    public let configure: @Sendable (_ section: inout ProfileSection, _ settings: Settings) -> Product?

    public init(
        name: String, summary: String,
        configure: @escaping @Sendable (_ section: inout ProfileSection, _ settings: Settings) -> Product?
    ) {
        self.name = name
        self.summary = summary
        self.configure = configure
    }
}

/// A plugin chosen by a profile section, built and validated, not yet started.
public struct ConfiguredPlugin<Settings: Sendable, Product: Sendable>: Sendable {
    public let pluginName: String
    public let settings: Settings
    public let instance: Product
}

extension Plugin: CustomStringConvertible {
    public var description: String { "\(name) (\(summary))" }
}
