@testable import PorticoCore
import Testing

@Suite("The origin rule: another site's page changes nothing")
struct RequestOriginTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let label: String
        let host: String?
        let origin: String?
        let referer: String?
        let fetchSite: String?
        let expected: Expected
        var testDescription: String { label }

        enum Expected: Sendable { case same, foreign, unstated }
    }

    static let cases: [Case] = [
        Case(label: "same origin (a fetch from the camera's page)", host: "192.168.1.20:8080", origin: "http://192.168.1.20:8080",
             referer: "http://192.168.1.20:8080/camera", fetchSite: "same-origin", expected: .same),
        Case(label: "same origin, names in other case, default port", host: "Cam.local", origin: "http://cam.local:80",
             referer: nil, fetchSite: nil, expected: .same),
        Case(label: "a form from the camera's page without Origin, with its Referer", host: "10.0.0.5:8081", origin: nil,
             referer: "http://10.0.0.5:8081/camera?x=1", fetchSite: nil, expected: .same),
        Case(label: "cross-site form", host: "192.168.1.20:8080", origin: "http://evil.example",
             referer: "http://evil.example/page", fetchSite: "cross-site", expected: .foreign),
        Case(label: "cross-site text/plain fetch (Origin only)", host: "192.168.1.20:8080", origin: "https://evil.example",
             referer: nil, fetchSite: nil, expected: .foreign),
        Case(label: "another camera on the same host, another port (same-site to a browser)", host: "203.0.113.7:8080",
             origin: "http://203.0.113.7:8081", referer: nil, fetchSite: "same-site", expected: .foreign),
        Case(label: "https origin against a plain-HTTP camera", host: "cam:8080", origin: "https://cam:8080",
             referer: nil, fetchSite: nil, expected: .foreign),
        Case(label: "opaque origin (sandboxed frame, file)", host: "cam:8080", origin: "null", referer: nil, fetchSite: nil,
             expected: .foreign),
        Case(label: "Referer of another site", host: "cam:8080", origin: nil, referer: "http://evil.example/cam:8080/",
             fetchSite: nil, expected: .foreign),
        Case(label: "Referer with user info posing as the camera", host: "cam:8080", origin: nil,
             referer: "http://cam:8080@evil.example/", fetchSite: nil, expected: .foreign),
        Case(label: "a matching Origin but the browser says cross-site", host: "cam:8080", origin: "http://cam:8080",
             referer: nil, fetchSite: "cross-site", expected: .foreign),
        Case(label: "no Host to compare with", host: nil, origin: "http://cam:8080", referer: nil, fetchSite: nil, expected: .foreign),
        Case(label: "neither Origin nor Referer (curl, portico register)", host: "127.0.0.1:8080", origin: nil, referer: nil,
             fetchSite: nil, expected: .unstated),
        Case(label: "neither, Sec-Fetch-Site none (typed in the address bar)", host: "cam", origin: nil, referer: nil,
             fetchSite: "none", expected: .unstated),
    ]

    @Test("same origin, cross-site form, text/plain, missing Origin and Referer, Sec-Fetch-Site", arguments: cases)
    func rule(_ c: Case) {
        let verdict = RequestOrigin.of(host: c.host, origin: c.origin, referer: c.referer, fetchSite: c.fetchSite)
        switch (c.expected, verdict) {
        case (.same, .sameOrigin), (.foreign, .foreign), (.unstated, .unstated): break
        default: Issue.record("\(c.label): \(verdict)")
        }
    }

    @Test("a login's next and a form's way back stay on the camera")
    func localPaths() {
        #expect(LoginPage.localPath("/camera") == "/camera")
        #expect(LoginPage.localPath("/state?x=1") == "/state?x=1")
        for bad in [nil, "", "camera", "//evil.example/", "/\\evil.example", "http://evil.example/", "/a b", "/\u{0}x", "/\r\nSet-Cookie: x"] {
            #expect(LoginPage.localPath(bad) == LoginPage.defaultPath, "\(String(describing: bad))")
        }
    }

    @Test("forms decode as browsers encode them")
    func forms() {
        let fields = FormEncoding.decode(Array("name=front+door&next=%2Fcamera%3Fa%3D1&bad=%zz%4&empty=&name=second&flag".utf8))
        #expect(fields["name"] == "front door")
        #expect(fields["next"] == "/camera?a=1")
        #expect(fields["bad"] == "%zz%4")
        #expect(fields["empty"] == "" && fields["flag"] == "")
        #expect(FormEncoding.decode(Array("%".utf8)) == ["%": ""])
        #expect(FormEncoding.decode([]) == [:])
        #expect(FormEncoding.encode("/a b?c=d") == "%2Fa%20b%3Fc%3Dd")
    }
}
