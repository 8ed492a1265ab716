import ArgumentParser
import PorticoCore

#if canImport(Glibc)
import Glibc
#endif

struct PasswdCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "passwd",
        abstract: "Set the camera's admin password (bring-up): stored only as a salted hash.",
        discussion: """
            Reads the new password from standard input (one line), so bring-up scripts can pipe it in.
            Writes the file the profile's [http] admin_file names (default /etc/portico/admin), atomically, mode 0600.
            """)

    @OptionGroup var profile: ProfileOptions

    @Option(name: .long, help: ArgumentHelp("Write this file instead of the profile's [http] admin_file.", valueName: "path"))
    var file: String?

    func run() throws {
        let target: String
        if let file {
            target = file
        } else {
            do {
                target = try profile.load().http.adminFile
            } catch {
                throw InvalidProfile.exit(error)
            }
        }
        guard let line = readLine(strippingNewline: true), !line.isEmpty else {
            print("no password on standard input; e.g.: printf '%s\\n' \"$PASSWORD\" | portico passwd")
            throw ExitCode(2)
        }
        do {
            let credential = try AdminCredential(password: line)
            try credential.save(to: target)
        } catch let error as AdminCredential.Failure {
            print("password not set: \(error)")
            throw ExitCode(2)
        } catch {
            print("password not set: \(error)")
            throw ExitCode(1)
        }
        print("admin password set in \(target)")
    }
}
