#if canImport(Glibc)
import Glibc
#endif
import CGPIOD

/// A GPIO chip (`/dev/gpiochipN`) and the lines requested from it.
///
/// This file is the only code that calls libgpiod. Debian 12 ships libgpiod 1.6, whose
/// v1 API names lines and bulks; libgpiod 2 replaced that with request objects. Keeping
/// every call here means that port changes one file and no plugin.
///
/// Not thread-safe: a chip and its requests belong to the one thread that drives them
/// (the stepping thread, the switch's watcher).
package final class GPIOChip: @unchecked Sendable {
    private let chip: OpaquePointer
    /// `gpiochip0`, as `gpiodetect` lists it.
    package let name: String
    package let label: String
    package let lineCount: Int

    /// Opens a chip by name (`gpiochip0`), path (`/dev/gpiochip0`), number (`0`) or label.
    package init(opening descriptor: String) throws(GPIOError) {
        guard let chip = gpiod_chip_open_lookup(descriptor) else {
            let reason = errno == ENOENT || errno == ENODEV || errno == EINVAL ? "no such chip" : String(cString: strerror(errno))
            let present = Self.present()
            throw GPIOError(
                .noChip,
                "cannot open GPIO chip '\(descriptor)': \(reason); "
                    + (present.isEmpty ? "this board has no GPIO chips" : "chips here: \(present.joined(separator: ", "))"))
        }
        self.chip = chip
        name = String(cString: gpiod_chip_name(chip))
        label = String(cString: gpiod_chip_label(chip))
        lineCount = Int(gpiod_chip_num_lines(chip))
    }

    deinit {
        gpiod_chip_close(chip)
    }

    /// Every chip of the board, as `gpiodetect` shows them, for messages.
    package static func present() -> [String] {
        var found: [String] = []
        for number in 0..<64 {
            guard let chip = gpiod_chip_open_lookup("\(number)") else { continue }
            found.append("\(String(cString: gpiod_chip_name(chip))) [\(String(cString: gpiod_chip_label(chip)))] (\(gpiod_chip_num_lines(chip)) lines)")
            gpiod_chip_close(chip)
        }
        return found
    }

    /// What the kernel says of one line now.
    package struct LineInfo: Sendable, Equatable {
        package var offset: Int
        /// The line's name from the device tree or driver, if it has one.
        package var name: String?
        /// Who holds it; nil when it is free.
        package var consumer: String?
        package var isUsed: Bool
    }

    package func info(ofLine offset: Int) throws(GPIOError) -> LineInfo {
        let line = try line(offset)
        _ = gpiod_line_update(line)
        let name = gpiod_line_name(line).map { String(cString: $0) }
        let consumer = gpiod_line_consumer(line).map { String(cString: $0) }
        let used = gpiod_line_is_used(line)
        return LineInfo(offset: offset, name: name, consumer: used ? (consumer ?? "the kernel") : nil, isUsed: used)
    }

    /// Outputs driven together, in one request: an axis's coils change in one call, so
    /// no half-step pattern is ever visible on the lines. Every line starts low.
    package func requestOutputs(_ offsets: [Int], consumer: String) throws(GPIOError) -> GPIOOutputs {
        var bulk = try bulk(of: offsets)
        let initial = [Int32](repeating: 0, count: offsets.count)
        let status = initial.withUnsafeBufferPointer { values in
            gpiod_line_request_bulk_output_flags(&bulk, consumer, 0, values.baseAddress)
        }
        guard status == 0 else { throw requestFailure(offsets, errno: errno) }
        return GPIOOutputs(chip: self, bulk: bulk, offsets: offsets)
    }

    /// An input read on demand (a limit switch, checked before each step).
    package func requestInput(_ offset: Int, activeLow: Bool, pull: GPIOPull, consumer: String) throws(GPIOError) -> GPIOInput {
        let line = try line(offset)
        guard gpiod_line_request_input_flags(line, consumer, Self.flags(activeLow: activeLow, pull: pull)) == 0 else {
            throw requestFailure([offset], errno: errno)
        }
        return GPIOInput(chip: self, line: line, offset: offset)
    }

    /// An input whose every edge the kernel reports (a button).
    package func requestEdges(_ offset: Int, activeLow: Bool, pull: GPIOPull, consumer: String) throws(GPIOError) -> GPIOInput {
        let line = try line(offset)
        guard gpiod_line_request_both_edges_events_flags(line, consumer, Self.flags(activeLow: activeLow, pull: pull)) == 0 else {
            throw requestFailure([offset], errno: errno)
        }
        return GPIOInput(chip: self, line: line, offset: offset)
    }

    // MARK: - libgpiod details

    private func line(_ offset: Int) throws(GPIOError) -> OpaquePointer {
        guard offset >= 0, offset < lineCount, let line = gpiod_chip_get_line(chip, UInt32(offset)) else {
            throw GPIOError(.noLine, "\(name) [\(label)] has no line \(offset): it has lines 0 to \(lineCount - 1)", line: offset)
        }
        return line
    }

    private func bulk(of offsets: [Int]) throws(GPIOError) -> gpiod_line_bulk {
        var bulk = gpiod_line_bulk()
        gpiod_line_bulk_init(&bulk)
        for offset in offsets.prefix(Int(GPIOD_LINE_BULK_MAX_LINES)) {
            gpiod_line_bulk_add(&bulk, try line(offset))
        }
        return bulk
    }

    private static func flags(activeLow: Bool, pull: GPIOPull) -> Int32 {
        var flags = activeLow ? Int32(GPIOD_LINE_REQUEST_FLAG_ACTIVE_LOW) : 0
        switch pull {
        case .up: flags |= Int32(GPIOD_LINE_REQUEST_FLAG_BIAS_PULL_UP)
        case .down: flags |= Int32(GPIOD_LINE_REQUEST_FLAG_BIAS_PULL_DOWN)
        case .none: flags |= Int32(GPIOD_LINE_REQUEST_FLAG_BIAS_DISABLE)
        case .asIs: break
        }
        return flags
    }

    /// A refused request, naming the holder when the line is busy.
    private func requestFailure(_ offsets: [Int], errno code: Int32) -> GPIOError {
        for offset in offsets {
            if let info = try? info(ofLine: offset), let consumer = info.consumer {
                return GPIOError(.busy, GPIOLineCheck.busy(offset, chip: self, consumer: consumer), line: offset, consumer: consumer)
            }
        }
        let lines = offsets.map(String.init).joined(separator: ", ")
        return GPIOError(.failed, "the kernel refused lines \(lines) of \(name) [\(label)]: \(String(cString: strerror(code)))")
    }
}

/// Output lines requested together; released when this is released.
package final class GPIOOutputs: @unchecked Sendable {
    private let chip: GPIOChip
    private var bulk: gpiod_line_bulk
    package let offsets: [Int]

    fileprivate init(chip: GPIOChip, bulk: gpiod_line_bulk, offsets: [Int]) {
        self.chip = chip
        self.bulk = bulk
        self.offsets = offsets
    }

    deinit {
        gpiod_line_release_bulk(&bulk)
    }

    /// Sets every line at once, in the order of `offsets`: 0 low, anything else high.
    package func set(_ values: [Int32]) throws(GPIOError) {
        let status = values.withUnsafeBufferPointer { gpiod_line_set_value_bulk(&bulk, $0.baseAddress) }
        guard status == 0 else {
            throw GPIOError(.failed, "cannot drive lines \(offsets) of \(chip.name): \(String(cString: strerror(errno)))")
        }
    }
}

/// One input line: read on demand (a limit switch, checked before each step), or, when
/// requested with `requestEdges`, also waited on for edges (a button).
package final class GPIOInput: @unchecked Sendable {
    private let chip: GPIOChip
    private let line: OpaquePointer
    package let offset: Int

    fileprivate init(chip: GPIOChip, line: OpaquePointer, offset: Int) {
        self.chip = chip
        self.line = line
        self.offset = offset
    }

    deinit {
        gpiod_line_release(line)
    }

    /// The line's logical value: true when active (after active-low is applied).
    package func isActive() throws(GPIOError) -> Bool {
        let value = gpiod_line_get_value(line)
        guard value >= 0 else {
            throw GPIOError(.failed, "cannot read line \(offset) of \(chip.name): \(String(cString: strerror(errno)))")
        }
        return value == 1
    }

    /// Waits up to `timeout` for edges and returns the kernel's timestamps of those that
    /// came (CLOCK_MONOTONIC nanoseconds), oldest first; empty when none came in time.
    package func edges(within timeout: Duration) throws(GPIOError) -> [UInt64] {
        let (seconds, attoseconds) = max(timeout, .zero).components
        var wait = timespec(tv_sec: Int(seconds), tv_nsec: Int(attoseconds / 1_000_000_000))
        var stamps: [UInt64] = []
        while stamps.count < 64 {
            let ready = gpiod_line_event_wait(line, &wait)
            guard ready >= 0 else {
                if errno == EINTR { continue }
                throw GPIOError(.failed, "cannot wait for line \(offset) of \(chip.name): \(String(cString: strerror(errno)))")
            }
            if ready == 0 { break }
            var event = gpiod_line_event()
            guard gpiod_line_event_read(line, &event) == 0 else {
                throw GPIOError(.failed, "cannot read an edge of line \(offset) of \(chip.name): \(String(cString: strerror(errno)))")
            }
            stamps.append(UInt64(event.ts.tv_sec) * 1_000_000_000 + UInt64(event.ts.tv_nsec))
            wait = timespec(tv_sec: 0, tv_nsec: 0)  // collect what is already queued, then return
        }
        return stamps
    }
}
