#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import PorticoCore

/// What `portico probe` finds about the board's setup beyond its hardware: where the web
/// server would listen, the admin password, the LAN interface. Each finding is a line a
/// person reads, and how bad it is.
struct SetupCheck {
    enum Severity: Int, Comparable {
        case fine = 0
        /// Not usable now (another program on the port, no DHCP lease yet): `run` may still work later.
        case notNow = 1
        /// The setup names something that is not there: fix the profile or the board.
        case wrong = 2

        static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    struct Finding {
        let line: String
        let severity: Severity
    }

    static func findings(_ profile: Profile) -> [Finding] {
        var findings: [Finding] = []
        let http = profile.http
        if let problem = ListenCheck.problem(address: http.address, port: http.port) {
            findings.append(Finding(line: "[http]: \(problem)", severity: .notNow))
        } else {
            findings.append(Finding(line: "[http]: \(http.address):\(http.port) is free to listen on", severity: .fine))
        }
        findings.append(adminFinding(http.adminFile))
        if let mapping = profile.mapping {
            findings.append(interfaceFinding(mapping.settings.interface))
        }
        return findings
    }

    static func adminFinding(_ path: String) -> Finding {
        do {
            guard try AdminCredential.load(from: path) != nil else {
                return Finding(line: "[http] admin_file \(path): no admin password is set; every change is refused until `portico passwd` sets one",
                               severity: .fine)
            }
            return Finding(line: "[http] admin_file \(path): an admin password is set", severity: .fine)
        } catch {
            let severity: Severity = access(path, R_OK) == 0 ? .wrong : .notNow
            return Finding(line: "[http] admin_file \(path): \(error)", severity: severity)
        }
    }

    static func interfaceFinding(_ name: String) -> Finding {
        let names = NetworkInterface.names()
        guard names.contains(name) else {
            return Finding(line: "[mapping] interface \(name): this board has no such interface (it has: \(names.joined(separator: ", ")))",
                           severity: .wrong)
        }
        guard let address = NetworkInterface.ipv4Address(of: name) else {
            return Finding(line: "[mapping] interface \(name): no IPv4 address yet (link down, or DHCP has not answered); `run` waits for one",
                           severity: .notNow)
        }
        return Finding(line: "[mapping] interface \(name): \(address)", severity: .fine)
    }
}
