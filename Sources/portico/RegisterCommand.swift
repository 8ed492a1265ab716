import ArgumentParser
import FoundationEssentials
import PorticoCore

struct RegisterCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "register",
        abstract: "Press the registration switch in software: the running camera registers with the router now.",
        discussion: """
            Asks the camera's web server (POST /api/register, or /api/withdraw with --withdraw) with the admin
            password, read from standard input (one line) or PORTICO_ADMIN_PASSWORD.
            """)

    @Option(name: .long, help: ArgumentHelp("The camera's web server.", valueName: "host:port"))
    var camera: String = "127.0.0.1:8080"

    @Flag(help: "Withdraw instead: say bye and give the port back (the switch's long press).")
    var withdraw = false

    func run() async throws {
        let parts = camera.split(separator: ":")
        guard parts.count == 2, let port = Int(parts[1]), IPv4.isDottedQuad(String(parts[0])) else {
            throw ValidationError("--camera takes an IPv4 address and port, e.g. 127.0.0.1:8080")
        }
        let password = getenv("PORTICO_ADMIN_PASSWORD").map { String(cString: $0) } ?? readLine(strippingNewline: true) ?? ""
        let token = Data("admin:\(password)".utf8).base64EncodedString()
        let reply = try await AdminRequest.post(
            host: String(parts[0]), port: port, path: withdraw ? "/api/withdraw" : "/api/register",
            headers: [("Authorization", "Basic \(token)")])
        print(String(reply.text.drop { $0.isWhitespace }.reversed().drop { $0.isWhitespace }.reversed()))
        guard (200..<300).contains(reply.status) else { throw ExitCode(1) }
    }
}

#if canImport(Glibc)
import Glibc
#endif
