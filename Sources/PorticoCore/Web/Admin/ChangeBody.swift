import FoundationEssentials
import HTTPTypes
import Hummingbird
import NIOCore

/// The body of a change: JSON (scripts, the pages' JavaScript) or an HTML form's
/// `application/x-www-form-urlencoded` (the settings panel without JavaScript). A form
/// that succeeds is answered with a redirect back to its page, JSON with JSON.
enum ChangeBody: Sendable {
    case json([UInt8])
    case form([String: String])

    /// Reads at most the context's upload size. Anything not form-encoded is taken as
    /// JSON, as before forms were accepted (its origin is checked all the same); so is a
    /// "form" whose body is a JSON object, as `curl -d '{"name": …}'` sends one, so the
    /// scripts written before forms keep working.
    static func read(_ request: Request, context: PorticoRequestContext) async throws -> ChangeBody {
        let buffer = try await request.body.collect(upTo: context.maxUploadSize)
        let bytes = Array(buffer: buffer)
        guard isForm(request), bytes.first(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0a && $0 != 0x0d }) != UInt8(ascii: "{")
        else { return .json(bytes) }
        return .form(FormEncoding.decode(bytes))
    }

    static func isForm(_ request: Request) -> Bool {
        request.headers[.contentType].map {
            $0.split(separator: ";").first?.trimmingBlanks().lowercased() == "application/x-www-form-urlencoded"
        } ?? false
    }

    var isForm: Bool {
        if case .form = self { return true }
        return false
    }

    /// The JSON body as `T`; nil for a form or JSON of another shape.
    func decode<T: Decodable>(_ type: T.Type) -> T? {
        guard case .json(let bytes) = self else { return nil }
        return try? JSONDecoder().decode(T.self, from: Data(bytes))
    }

    /// A form's field; nil for JSON or a field it lacks.
    subscript(field: String) -> String? {
        guard case .form(let fields) = self else { return nil }
        return fields[field]
    }
}

/// `application/x-www-form-urlencoded`, as browsers send a form: `+` for space,
/// `%XX` for other bytes. A field given twice keeps its first value; a malformed escape
/// is kept as written (the value is then refused by whoever reads it).
enum FormEncoding {
    static func decode(_ bytes: [UInt8]) -> [String: String] {
        var fields: [String: String] = [:]
        for pair in bytes.split(separator: UInt8(ascii: "&")) {
            let parts = pair.split(separator: UInt8(ascii: "="), maxSplits: 1, omittingEmptySubsequences: false)
            let name = unescape(parts[0])
            if fields[name] == nil { fields[name] = parts.count > 1 ? unescape(parts[1]) : "" }
        }
        return fields
    }

    static func unescape(_ bytes: ArraySlice<UInt8>) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let byte = bytes[index]
            if byte == UInt8(ascii: "+") {
                out.append(UInt8(ascii: " "))
            } else if byte == UInt8(ascii: "%"), let high = hexValue(bytes[safe: index + 1]), let low = hexValue(bytes[safe: index + 2]) {
                out.append(high << 4 | low)
                index += 2
            } else {
                out.append(byte)
            }
            index += 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func encode(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"):
                out.append(Character(Unicode.Scalar(byte)))
            default:
                out += "%" + String(byte >> 4, radix: 16, uppercase: true) + String(byte & 0xf, radix: 16, uppercase: true)
            }
        }
        return out
    }

    private static func hexValue(_ byte: UInt8?) -> UInt8? {
        switch byte {
        case let b? where b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9"): b - UInt8(ascii: "0")
        case let b? where b >= UInt8(ascii: "a") && b <= UInt8(ascii: "f"): b - UInt8(ascii: "a") + 10
        case let b? where b >= UInt8(ascii: "A") && b <= UInt8(ascii: "F"): b - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}

extension ArraySlice {
    fileprivate subscript(safe index: Int) -> Element? {
        indices.contains(index) ? self[index] : nil
    }
}
