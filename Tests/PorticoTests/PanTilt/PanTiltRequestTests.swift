import FoundationEssentials
import Testing

@testable import PorticoCore

/// `POST /api/ptz` bodies as the web server reads them: any double JSON can carry reaches
/// the driver only within a bound.
@Suite("Pan/tilt requests")
struct PanTiltRequestTests {
    static func resolve(_ json: String) throws -> Result<PanTiltCommand, PanTiltError> {
        try JSONDecoder().decode(PanTiltRequest.self, from: Data(json.utf8)).resolve(presets: [:])
    }

    @Test("huge angles are refused before any driver sees them", arguments: [
        #"{"command": "absolute", "pan": 1e300}"#, #"{"command": "absolute", "tilt": -1e19}"#,
        #"{"command": "relative", "pan": 3600.5}"#, #"{"command": "relative", "tilt": 1.7976931348623157e308}"#,
    ])
    func huge(json: String) throws {
        let result = try Self.resolve(json)
        guard case .failure(let error) = result else {
            Issue.record("accepted: \(result)")
            return
        }
        #expect(error.code == .invalid && error.description.contains("-3600 to 3600"), "\(error)")
    }

    @Test("infinity and NaN, which JSON cannot carry but code can, are refused too")
    func notFinite() {
        for value in [Double.infinity, -.infinity, .nan] {
            let request = PanTiltRequest(command: "relative", pan: value, tilt: nil, name: nil)
            guard case .failure = request.resolve(presets: [:]) else {
                Issue.record("\(value) accepted")
                continue
            }
        }
    }

    @Test("ordinary moves pass unchanged")
    func ordinary() throws {
        #expect(try Self.resolve(#"{"command": "absolute", "pan": 30, "tilt": -5}"#) == .success(.absolute(pan: 30, tilt: -5)))
        #expect(try Self.resolve(#"{"command": "relative", "pan": -3600}"#) == .success(.relative(pan: -3600, tilt: 0)))
    }
}
