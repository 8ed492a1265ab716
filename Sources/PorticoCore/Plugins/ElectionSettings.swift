#if canImport(Glibc)
import Glibc
#endif

/// The `[election]` keys every election policy shares: the heartbeat, the site key and
/// where cameras talk.
package struct ElectionSettings: Sendable, Equatable, CustomStringConvertible {
    /// How often the representative sends its inquiry, the heartbeat the others watch.
    package var inquiry: Duration
    /// Inquiries missed in a row before the representative counts as gone.
    package var missed: Int
    /// Shared by every camera of the site; messages under another key are dropped.
    package var siteKey: [UInt8]
    package var keyFile: String
    package var group: String
    package var port: Int
    /// Unique to this board, for the server-value policy; empty: the interface's MAC address.
    package var serverValue: String
    /// Each message is sent this many times (each its own sequence number): on a lossy LAN a
    /// heartbeat lost twice in a row would otherwise start a needless election. A message
    /// crosses two switch ports, so at 20% loss per port one copy in three is lost, and
    /// all three copies of one in twenty; the copies of one inquiry get one report.
    package var copies: Int
    /// The representative also lists the router's `portico:` mappings at addresses no
    /// camera of the site has spoken from, marked unverified: for sites with cameras that
    /// take no part in the election. Off by default, since any LAN host can add such a mapping.
    package var listsUnverified: Bool

    package init(reading section: inout ProfileSection) {
        inquiry = section.duration("inquiry", in: .milliseconds(100) ... .seconds(3600), default: .seconds(1)) ?? .seconds(1)
        missed = section.integer("missed", in: 2...10, default: 2) ?? 2
        group = section.string("group", default: "239.255.42.42") ?? "239.255.42.42"
        port = section.integer("port", in: 1024...65535, default: 4242) ?? 4242
        serverValue = section.string("server_value", default: "") ?? ""
        if !PeerFieldRules.isValidServerValue(serverValue) {
            // The other cameras would drop every message carrying it.
            section.reject("server_value", .invalidValue, "'\(PeerFieldRules.shown(serverValue))' cannot be a server value",
                           validChoices: ["printable ASCII of at most 255 characters, e.g. a serial number"])
        }
        copies = section.integer("copies", in: 1...4, default: 3) ?? 3
        listsUnverified = section.boolean("list_unverified", default: false) ?? false
        keyFile = section.string("key_file") ?? ""
        siteKey = []
        if IPv4.isDottedQuad(group), let first = Int(group.split(separator: ".")[0]), (224...239).contains(first) {
        } else {
            section.reject("group", .invalidValue, "'\(ProfileError.shortened(group))' is not an IPv4 multicast address",
                           validChoices: ["an address in 239.0.0.0/8 (site-local), e.g. \"239.255.42.42\""])
        }
        guard !keyFile.isEmpty else { return }
        do {
            let text = try ProfileLoader.read(keyFile, what: keyFile)
            let key = Array(text.utf8.reversed().drop { $0 == 0x0A || $0 == 0x0D }.reversed())
            if key.count < PeerCodec.minimumKeySize {
                section.reject("key_file", .invalidValue, "the site key in \(keyFile) has \(key.count) bytes",
                               validChoices: ["at least \(PeerCodec.minimumKeySize) bytes; make one with: head -c 32 /dev/urandom | base64 > \(keyFile)"])
            }
            siteKey = key
        } catch {
            section.reject("key_file", .unreadable, "cannot read the site key: \(error.message)",
                           validChoices: ["a file of at least \(PeerCodec.minimumKeySize) bytes shared by every camera of the site"])
        }
    }

    package var description: String {
        "inquiry every \(ProfileDuration.format(inquiry)), gone after \(missed) missed, on \(group):\(port), key from \(keyFile)\(listsUnverified ? ", unverified router entries listed" : "")"
    }
}
