/// How many connections the web server holds and how long it waits on them.
///
/// One port of the camera is forwarded to the whole internet, so these are set for
/// strangers, not for the few viewers a camera has: a connection that sends nothing
/// or sends its headers a byte at a time is closed after seconds, and no address can
/// hold more than a small share of the connections.
///
/// They are not profile keys: the unit's `LimitNOFILE` is sized from `total`, and a
/// board engineer has no reason to trade one against the other. A board running
/// Portico outside the shipped unit needs a file limit of `total` plus about a hundred
/// (the listener, the connections being shed, the camera and the mapping sockets).
package struct ConnectionLimits: Sendable, Equatable {
    /// Connections from one address. A browser opens six to a host; a household or a
    /// carrier-grade NAT puts several viewers behind one address.
    package var perClient: Int
    /// Connections in all, at most; see `LimitNOFILE` in the unit.
    package var total: Int
    /// A request's headers (and its small body) must have arrived this long after its
    /// first byte.
    package var headerTimeout: Duration
    /// An open connection with no request is closed after this long.
    package var idleTimeout: Duration

    package init(perClient: Int = 32, total: Int = 256, headerTimeout: Duration = .seconds(5), idleTimeout: Duration = .seconds(10)) {
        self.perClient = perClient
        self.total = total
        self.headerTimeout = headerTimeout
        self.idleTimeout = idleTimeout
    }
}
