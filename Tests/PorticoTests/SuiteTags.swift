import Testing

/// The suites that need more than this machine's loopback, so that the scripts run each
/// where it can: `scripts/test` runs the lab suites one at a time after the rest, and
/// `scripts/test-board` runs the board suites inside the virtual board.
extension Tag {
    /// Builds network namespaces with a real router (Tests/Lab/netlab): needs root, and
    /// runs one suite at a time because each boots a site whose timing checks need the machine.
    @Tag static var lab: Self
    /// Needs the virtual board's kernel devices (vivid, gpio-sim): runs inside it.
    @Tag static var board: Self
}
