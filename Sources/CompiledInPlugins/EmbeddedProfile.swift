/// The simulated board's profile, compiled in so `portico run` works with no files at
/// all. A test keeps it identical to `board/sim/profile.toml`.
package enum EmbeddedProfile {
    package static let name = "<built-in board/sim/profile.toml>"

    package static let sim = #"""
# Portico board profile: the simulated board.
#
# Needs no hardware: the camera is a generated test pattern. This is the profile
# `portico run` uses when no --profile is given, and the one the README starts.
# A section that is absent means the board lacks that hardware; nothing for it starts.

name = "sim"

[http]
address = "0.0.0.0"   # every interface; "127.0.0.1" keeps it on this machine
port = 8080

[camera]
source = "test-pattern"
size = "640x480"
fps = 15
quality = 80
"""#
}
