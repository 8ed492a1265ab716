import PorticoCore

/// Turns the edges of a bouncing button into presses: a pure state machine of edges
/// and time, so tests replay contact bounce and long holds in virtual time.
///
/// A level counts once it has held for `debounce` after the last edge. A press is
/// reported when it ends (short), or once it has been held for `longPress` (long, while
/// still held, so the user sees the camera withdraw without having to guess when to
/// let go); a long press reports nothing more on release. A button already held when
/// watching starts is not a press.
struct PressDetector: Sendable, Equatable {
    let debounce: Duration
    let longPress: Duration
    /// The debounced level: true while the button is held.
    private(set) var held: Bool
    /// The level after the last edge, not yet held for `debounce`.
    private var candidate: Bool
    private var lastEdge: Duration
    private var pressedAt: Duration?
    /// Set when the current press already counted as long, or began before watching.
    private var reported = false
    private var edgeCount = 0
    private var transitions = 0

    /// Edges thrown away as contact bounce: every edge but those that made a settled
    /// change (and the one still settling).
    var bounces: Int { edgeCount - transitions - (candidate != held ? 1 : 0) }

    init(debounce: Duration, longPress: Duration, level: Bool, at now: Duration) {
        self.debounce = debounce
        self.longPress = longPress
        held = level
        candidate = level
        lastEdge = now
        pressedAt = level ? now : nil
        reported = level
    }

    /// `count` edges arrived, the last at `time`; `level` is the line read after them.
    /// Returns presses that were already due before them.
    mutating func edges(_ count: Int, last time: Duration, level: Bool) -> [SwitchPress] {
        let due = advance(to: time)
        edgeCount += count
        candidate = level
        lastEdge = time
        return due
    }

    /// Presses due by `now`.
    mutating func advance(to now: Duration) -> [SwitchPress] {
        var presses: [SwitchPress] = []
        if candidate != held && now - lastEdge >= debounce {
            held = candidate
            transitions += 1
            if held {
                pressedAt = lastEdge
                reported = false
            } else {
                if pressedAt != nil && !reported { presses.append(.short) }
                pressedAt = nil
                reported = false
            }
        }
        if held, let pressedAt, !reported, now - pressedAt >= longPress {
            presses.append(.long)
            reported = true
        }
        return presses
    }

    /// When `advance` next has something to do; nil when only an edge can change anything.
    var nextDeadline: Duration? {
        if candidate != held { return lastEdge + debounce }
        if held, let pressedAt, !reported { return pressedAt + longPress }
        return nil
    }
}
