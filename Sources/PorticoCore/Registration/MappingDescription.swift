/// How Portico's mappings are described in the router's table: `portico:<camera name>`.
/// The router shows it to whoever reads its table, and the representative recognises the
/// site's cameras in the table by it (one whose report was lost, or that fell silent), so
/// a description is written and read here alone.
package enum MappingDescription {
    static let prefix = "portico:"

    /// The description of camera `name`'s mappings.
    package static func of(camera name: String) -> String { prefix + name }

    /// The camera's name in a description of Portico's; nil for another program's mapping.
    package static func cameraName(in description: String) -> String? {
        description.hasPrefix(prefix) ? String(description.dropFirst(prefix.count)) : nil
    }
}
