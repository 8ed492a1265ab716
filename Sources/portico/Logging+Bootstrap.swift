import Logging

enum PorticoLogging {
    /// Logs to standard error, where a service manager's journal collects them: in the
    /// journal's own form when standard error is the journal (`JournalLogHandler`), with
    /// timestamps on a terminal. The level comes from `PORTICO_LOG_LEVEL` (trace, debug,
    /// info, notice, warning, error).
    static func bootstrap(defaultLevel: Logger.Level = .info) -> Logger {
        let level = getenv("PORTICO_LOG_LEVEL").flatMap { Logger.Level(rawValue: String(cString: $0)) } ?? defaultLevel
        let journal = JournalLogHandler.standardErrorIsJournal
        LoggingSystem.bootstrap { label in
            if journal {
                var handler = JournalLogHandler(label: label)
                handler.logLevel = level
                return handler
            }
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
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
