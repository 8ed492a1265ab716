import Logging
import ServiceLifecycle

/// Runs the board's registration switch: a short press registers, a long press
/// withdraws, through the same actions as `portico register` and `/api/register`.
package struct SwitchService: Service {
    let registrationSwitch: any RegistrationSwitch
    let actions: WebActions
    let light: @Sendable () -> StatusLight
    let logger: Logger

    package init(
        registrationSwitch: any RegistrationSwitch, actions: WebActions, light: @escaping @Sendable () -> StatusLight, logger: Logger
    ) {
        self.registrationSwitch = registrationSwitch
        self.actions = actions
        self.light = light
        self.logger = logger
    }

    package func run() async throws {
        let actions = actions
        let logger = logger
        try await cancelWhenGracefulShutdown {
            try await registrationSwitch.run(
                onPress: { press in
                    let done = press == .short ? actions.register(client: "the switch") : actions.withdraw(client: "the switch")
                    if !done {
                        logger.warning("the switch was pressed, but this board maps no port: its profile has no [mapping] section")
                    }
                },
                light: light, logger: logger)
        }
    }
}
