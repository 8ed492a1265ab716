/// The speed of one stepper from step to step: up at most `acceleration`, never past
/// `maxSpeed`, down again in time to stop on the target.
///
/// Pure: each call decides one step (direction, and the time to the next decision), so
/// tests drive it step by step and check every speed change, and a new target in mid
/// move is just a different `remaining` on the next call: the axis brakes, reverses if
/// it must, and never changes speed faster than the motor can follow.
struct StepRamp: Sendable, Equatable {
    /// Steps per second.
    var maxSpeed: Double
    /// Steps per second per second.
    var acceleration: Double
    /// Steps per second, of the last step taken; 0 at rest.
    private(set) var speed: Double = 0
    /// +1 or -1 while moving, 0 at rest.
    private(set) var direction: Int = 0

    init(maxSpeed: Double, acceleration: Double) {
        self.maxSpeed = maxSpeed
        self.acceleration = acceleration
    }

    /// The speed after the first step from rest: what one step of acceleration reaches.
    var startSpeed: Double { min(maxSpeed, (2 * acceleration).squareRoot()) }

    var isMoving: Bool { direction != 0 }

    /// The step to take now, with `remaining` steps (signed) to the target, and the
    /// seconds until the next one; nil when at the target and at rest.
    ///
    /// The interval is the time the step takes at constant acceleration from the old
    /// speed to the new, 2 / (old + new): so the ramp's acceleration is exact, not the
    /// overshoot that timing each step by its end speed gives at low speeds.
    mutating func next(remaining: Int) -> (direction: Int, interval: Double)? {
        let before = speed
        guard let direction = decide(remaining: remaining) else { return nil }
        return (direction, 2 / (before + speed))
    }

    private mutating func decide(remaining: Int) -> Int? {
        let wanted = remaining.signum()
        if direction == 0 {
            guard wanted != 0 else { return nil }
            direction = wanted
            speed = startSpeed
            return direction
        }
        if wanted == direction {
            // After this step |remaining| - 1 steps are left to stop in.
            let stoppingSteps = speed * speed / (2 * acceleration)
            if stoppingSteps >= Double(abs(remaining) - 1) || speed > maxSpeed {
                brake()
            } else {
                speed = min(maxSpeed, (speed * speed + 2 * acceleration).squareRoot())
            }
            return direction
        }
        // Moving away from the target, or past it: brake, and once slow enough to stop
        // in a step, stop and start again towards it.
        if speed <= startSpeed {
            halt()
            return decide(remaining: remaining)
        }
        brake()
        return direction
    }

    /// Stops dead: the `stop` command and a limit switch do not wait for a ramp.
    mutating func halt() {
        speed = 0
        direction = 0
    }

    private mutating func brake() {
        let slower = max(0, speed * speed - 2 * acceleration).squareRoot()
        speed = max(startSpeed, slower)
    }
}
