import Logging

/// What a person reading the log should hear of registration, from its status before
/// and after a step: a port mapped, moved or lost, an external address learnt or
/// changed, a new failure. A renewal that changes none of these says nothing above
/// debug: a representative renews its fixed port every second or so, and a line for
/// each would bury the few that matter under tens of thousands a day. A failure is
/// said once, until it changes or registration succeeds again.
///
/// Pure: two statuses in, the lines to log out.
package struct RegistrationNews: Sendable, Equatable {
    package var message: String
    package var metadata: [String: String]

    package static func between(_ old: RegistrationStatus?, _ new: RegistrationStatus) -> [RegistrationNews] {
        var news: [RegistrationNews] = []
        if new.externalPort != old?.externalPort {
            if let port = new.externalPort {
                var metadata = ["external_port": "\(port)", "fixed_port": "\(new.holdsFixedPort)"]
                if let url = new.externalURL { metadata["url"] = url }
                news.append(RegistrationNews(message: "mapped", metadata: metadata))
            } else if let port = old?.externalPort {
                news.append(RegistrationNews(message: "no longer mapped", metadata: ["external_port": "\(port)", "phase": new.phase.rawValue]))
            }
        }
        if let address = new.externalAddress, address != old?.externalAddress {
            var metadata = ["address": address]
            if let previous = old?.externalAddress { metadata["was"] = previous }
            if new.behindAnotherNAT { metadata["behind_another_nat"] = "true" }
            news.append(RegistrationNews(message: old?.externalAddress == nil ? "external address learnt" : "external address changed", metadata: metadata))
        }
        if let error = new.lastError, error != old?.lastError {
            news.append(RegistrationNews(message: "router exchange failed", metadata: ["error": error, "phase": new.phase.rawValue]))
        }
        return news
    }

    /// Each at notice.
    package static func log(_ news: [RegistrationNews], to logger: Logger) {
        for item in news {
            logger.notice("\(item.message)", metadata: item.metadata.mapValues { .string($0) })
        }
    }
}
