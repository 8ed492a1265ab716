import PorticoCore

/// What `portico probe` says of a plugin's GPIO lines: the chip, then each line, free or
/// held by whom; a missing chip or line, or one held by another program, is a problem
/// at the profile key that names it, so `run` refuses to start with the same words.
package enum GPIOLineCheck {
    package struct Wanted: Sendable {
        /// "pan coil A", "switch button".
        package var role: String
        /// The profile key that names the line.
        package var key: String
        package var offset: Int

        package init(role: String, key: String, offset: Int) {
            self.role = role
            self.key = key
            self.offset = offset
        }
    }

    package static func check(chip descriptor: String, lines: [Wanted], origin: ProfileOrigin) -> HardwareCheck {
        let chip: GPIOChip
        do {
            chip = try GPIOChip(opening: descriptor)
        } catch {
            return HardwareCheck(problems: [origin.problem("chip", error.description)])
        }
        var offers = ["\(chip.name) [\(chip.label)], \(chip.lineCount) lines"]
        var problems: [ProfileError] = []
        for wanted in lines {
            do {
                let info = try chip.info(ofLine: wanted.offset)
                let label = "\(wanted.role): line \(wanted.offset)" + (info.name.map { " \"\($0)\"" } ?? "")
                if let consumer = info.consumer {
                    offers.append("\(label): in use by '\(consumer)'")
                    problems.append(origin.problem(wanted.key, busy(wanted.offset, chip: chip, consumer: consumer)))
                } else {
                    offers.append("\(label): free")
                }
            } catch {
                problems.append(origin.problem(wanted.key, error.description))
            }
        }
        return HardwareCheck(offers: offers, problems: problems)
    }

    static func busy(_ offset: Int, chip: GPIOChip, consumer: String) -> String {
        "line \(offset) of \(chip.name) [\(chip.label)] is in use by '\(consumer)'; stop that program or pick another line"
    }
}
