/// What the status LED shows, from registration and the site.
enum StatusLightSource {
    static func light(registration: RegistrationStatus?, role: Election.Role?) -> StatusLight {
        guard let registration else { return .idle }
        switch registration.phase {
        case .idle: return .idle
        case .requesting: return .registering
        case .waiting: return .error
        case .mapped: return role == .representative ? .representative : .registered
        }
    }
}
