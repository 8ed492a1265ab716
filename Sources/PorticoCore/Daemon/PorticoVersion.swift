package enum PorticoVersion {
    package static let current = "0.1.0"
}
