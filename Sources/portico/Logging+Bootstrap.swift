import Logging

enum PorticoLogging {
    /// Logs to standard error, where a service manager's journal collects them. The level
    /// comes from `PORTICO_LOG_LEVEL` (trace, debug, info, notice, warning, error).
    static func bootstrap(defaultLevel: Logger.Level = .info) -> Logger {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = defaultLevel
            if let name = getenv("PORTICO_LOG_LEVEL").map({ String(cString: $0) }),
               let level = Logger.Level(rawValue: name) {
                handler.logLevel = level
            }
            return handler
        }
        return Logger(label: "portico")
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
