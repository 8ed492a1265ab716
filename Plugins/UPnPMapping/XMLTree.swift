import CUPnP

/// An XML element copied out of libupnp's IXML into plain Swift values.
///
/// IXML documents belong to libupnp and some live only for the length of a callback;
/// copying them at once leaves everything after (description parsing, SOAP replies)
/// pure Swift that tests can feed with text. Names are local names: routers disagree on
/// namespace prefixes (`u:`, `m:`, none), and UPnP never needs them to tell elements apart.
struct XMLElement: Sendable, Equatable {
    var name: String
    /// The element's own text and CDATA, trimmed; empty when it only has children.
    var text: String
    var children: [XMLElement]

    init(name: String, text: String = "", children: [XMLElement] = []) {
        self.name = name
        self.text = text
        self.children = children
    }

    func child(_ name: String) -> XMLElement? {
        children.first { $0.name == name }
    }

    func children(_ name: String) -> [XMLElement] {
        children.filter { $0.name == name }
    }

    /// Limits on what a router may send: a description or reply is a few kilobytes, so
    /// anything far larger or deeper is broken or hostile and is refused, not walked.
    static let maximumElements = 20_000
    static let maximumDepth = 64

    struct ParseError: Error, Equatable, CustomStringConvertible {
        let reason: String
        var description: String { reason }
    }

    /// Parses `text` with IXML, the parser libupnp itself uses for replies.
    init(parsing text: String) throws(ParseError) {
        var document: UnsafeMutablePointer<IXML_Document>?
        let status = text.withCString { ixmlParseBufferEx($0, &document) }
        guard status == Int32(IXML_SUCCESS.rawValue), let document else {
            throw ParseError(reason: "not well-formed XML (IXML error \(status))")
        }
        defer { ixmlDocument_free(document) }
        self = try XMLElement(document: document)
    }

    /// Copies the document element of an IXML document the caller keeps ownership of.
    init(document: UnsafeMutablePointer<IXML_Document>) throws(ParseError) {
        var root = ixmlNode_getFirstChild(portico_ixml_document_node(document))
        while let node = root, ixmlNode_getNodeType(node) != eELEMENT_NODE.rawValue {
            root = ixmlNode_getNextSibling(node)
        }
        guard let root else { throw ParseError(reason: "the document has no element") }
        var budget = Self.maximumElements
        self = try Self.copy(root, depth: 0, budget: &budget)
    }

    private static func copy(_ node: UnsafeMutablePointer<IXML_Node>, depth: Int, budget: inout Int) throws(ParseError) -> XMLElement {
        guard depth < maximumDepth else { throw ParseError(reason: "elements nested deeper than \(maximumDepth)") }
        budget -= 1
        guard budget >= 0 else { throw ParseError(reason: "more than \(maximumElements) elements") }
        var element = XMLElement(name: localName(of: node))
        var text = ""
        var child = ixmlNode_getFirstChild(node)
        while let current = child {
            let type = ixmlNode_getNodeType(current)
            if type == eELEMENT_NODE.rawValue {
                element.children.append(try copy(current, depth: depth + 1, budget: &budget))
            } else if type == eTEXT_NODE.rawValue || type == eCDATA_SECTION_NODE.rawValue,
                      let value = ixmlNode_getNodeValue(current) {
                text += String(cString: value)
            }
            child = ixmlNode_getNextSibling(current)
        }
        element.text = text.trimmingXMLWhitespace()
        return element
    }

    private static func localName(of node: UnsafeMutablePointer<IXML_Node>) -> String {
        guard let raw = ixmlNode_getNodeName(node) else { return "" }
        let name = String(cString: raw)
        if let colon = name.lastIndex(of: ":") { return String(name[name.index(after: colon)...]) }
        return name
    }
}

extension String {
    /// XML whitespace only (space, tab, CR, LF): values like `NewExternalPort` arrive
    /// padded by some routers' pretty-printers.
    func trimmingXMLWhitespace() -> String {
        let blank: Set<Character> = [" ", "\t", "\r", "\n", "\r\n"]
        guard let first = firstIndex(where: { !blank.contains($0) }),
              let last = lastIndex(where: { !blank.contains($0) })
        else { return "" }
        return String(self[first...last])
    }
}
