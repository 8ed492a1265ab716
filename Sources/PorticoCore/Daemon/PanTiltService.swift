import Logging
import ServiceLifecycle

/// Runs the board's pan/tilt driver for the life of the daemon: it holds the motor
/// lines, and gives them back de-energised on shutdown.
package struct PanTiltService: Service {
    let driver: any PanTiltDriver
    let stateDirectory: String
    let logger: Logger

    package init(driver: any PanTiltDriver, stateDirectory: String, logger: Logger) {
        self.driver = driver
        self.stateDirectory = stateDirectory
        self.logger = logger
    }

    package func run() async throws {
        try await cancelWhenGracefulShutdown {
            try await driver.run(stateDirectory: stateDirectory, logger: logger)
        }
    }
}
