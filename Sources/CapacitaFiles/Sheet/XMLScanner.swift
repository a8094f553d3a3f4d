/// A streaming scanner for the XML of a workbook's parts: bytes go in as they are decompressed,
/// elements and text come out, and memory holds one unfinished token at most, never the part.
///
/// Written by hand because the parsers at hand do not fit: Foundation's XMLParser on Linux wants
/// the whole document (or an InputStream it drains itself) and builds a String for every event,
/// and the XML packages in the mirror (XMLCoder, SWXMLHash) decode whole documents into trees.
/// SpreadsheetML needs little: elements, attributes, text, the five named entities and
/// character references, CDATA; no DTD (a DOCTYPE is refused, so no entity can expand).
public struct XMLScanner: Sendable {
    public enum Event: Sendable, Equatable {
        /// An element opens (`selfClosing`: `<x/>`, which also ends it). Names lose their prefix.
        case start(name: String, attributes: [XMLAttribute], selfClosing: Bool)
        case end(name: String)
        /// Character data, entities decoded (UTF-8 bytes).
        case text([UInt8])
    }

    public enum Failure: Error, Sendable, Equatable {
        /// Not well-formed where the scanner could tell (an unclosed tag at the end, a DOCTYPE).
        case malformed(String)
        /// A single tag or text run longer than `maxToken`: no workbook has one.
        case tokenTooLong
    }

    /// The longest tag or text run kept while waiting for its end (a cell's text is at most
    /// 32,767 characters in Excel; a tag with many attributes is well under this).
    public static let maxToken = 1 << 20

    private var buffer: [UInt8] = []

    public init() {}

    /// Feeds the next bytes; `emit` gets every event they complete.
    public mutating func feed(_ bytes: [UInt8], emit: (Event) throws -> Void) throws {
        buffer += bytes
        var index = 0
        let count = buffer.count
        while index < count {
            if buffer[index] != 60 {  // text up to the next '<'
                guard let end = next(60, from: index) else { break }
                try emit(.text(Self.decodeEntities(buffer[index..<end])))
                index = end
                continue
            }
            guard let consumed = try token(at: index, emit: emit) else { break }
            index = consumed
        }
        buffer.removeFirst(index)
        if buffer.count > Self.maxToken { throw Failure.tokenTooLong }
    }

    /// The end of input: text left over is emitted; an unfinished tag is an error.
    public mutating func finish(emit: (Event) throws -> Void) throws {
        defer { buffer = [] }
        guard !buffer.isEmpty else { return }
        if buffer.first == 60 { throw Failure.malformed("una etiqueta sin cerrar al final") }
        try emit(.text(Self.decodeEntities(buffer[...])))
    }

    private func next(_ byte: UInt8, from start: Int) -> Int? {
        var index = start
        while index < buffer.count {
            if buffer[index] == byte { return index }
            index += 1
        }
        return nil
    }

    private func find(_ pattern: [UInt8], from start: Int) -> Int? {
        guard buffer.count >= pattern.count else { return nil }
        var index = start
        while index + pattern.count <= buffer.count {
            if buffer[index] == pattern[0], buffer[index..<index + pattern.count].elementsEqual(pattern) {
                return index
            }
            index += 1
        }
        return nil
    }

    private func hasPrefix(_ pattern: [UInt8], at index: Int) -> Bool? {
        let available = min(pattern.count, buffer.count - index)
        guard buffer[index..<index + available].elementsEqual(pattern[..<available]) else { return false }
        return available == pattern.count ? true : nil
    }

    /// Reads the markup at `start` ('<'); the index after it, or nil when it is not complete yet.
    private func token(at start: Int, emit: (Event) throws -> Void) throws -> Int? {
        guard start + 1 < buffer.count else { return nil }
        switch buffer[start + 1] {
        case 63:  // <? … ?>
            return find(Array("?>".utf8), from: start + 2).map { $0 + 2 }
        case 33:  // <!-- … -->, <![CDATA[ … ]]>, <!DOCTYPE
            switch hasPrefix(Array("<!--".utf8), at: start) {
            case nil: return nil
            case true?: return find(Array("-->".utf8), from: start + 4).map { $0 + 3 }
            case false?: break
            }
            switch hasPrefix(Array("<![CDATA[".utf8), at: start) {
            case nil: return nil
            case true?:
                guard let end = find(Array("]]>".utf8), from: start + 9) else { return nil }
                try emit(.text(Array(buffer[(start + 9)..<end])))
                return end + 3
            case false?:
                throw Failure.malformed("una declaración <! que no es comentario ni CDATA (DOCTYPE no se admite)")
            }
        default:
            guard let end = tagEnd(from: start + 1) else { return nil }
            try emit(tag(buffer[(start + 1)..<end]))
            return end + 1
        }
    }

    /// The '>' that closes a tag, skipping quoted attribute values.
    private func tagEnd(from start: Int) -> Int? {
        var quote: UInt8 = 0
        var index = start
        while index < buffer.count {
            let byte = buffer[index]
            if quote != 0 {
                if byte == quote { quote = 0 }
            } else if byte == 34 || byte == 39 {
                quote = byte
            } else if byte == 62 {
                return index
            }
            index += 1
        }
        return nil
    }

    private func tag(_ body: ArraySlice<UInt8>) throws -> Event {
        var body = body
        if body.first == 47 {  // </name>
            return .end(name: Self.localName(body.dropFirst().prefix { !Self.isSpace($0) }))
        }
        var selfClosing = false
        if body.last == 47 {
            selfClosing = true
            body = body.dropLast()
        }
        let name = body.prefix { !Self.isSpace($0) }
        var attributes: [XMLAttribute] = []
        var index = name.endIndex
        while index < body.endIndex {
            while index < body.endIndex, Self.isSpace(body[index]) { index += 1 }
            guard index < body.endIndex else { break }
            let nameStart = index
            while index < body.endIndex, body[index] != 61, !Self.isSpace(body[index]) { index += 1 }
            let attributeName = body[nameStart..<index]
            while index < body.endIndex, body[index] != 34, body[index] != 39 { index += 1 }
            guard index < body.endIndex else { throw Failure.malformed("un atributo sin valor") }
            let quote = body[index]
            let valueStart = index + 1
            index = valueStart
            while index < body.endIndex, body[index] != quote { index += 1 }
            guard index < body.endIndex else { throw Failure.malformed("un atributo sin cerrar") }
            let value = Self.decodeEntities(body[valueStart..<index])
            attributes.append(
                XMLAttribute(name: Self.localName(attributeName), value: String(decoding: value, as: UTF8.self)))
            index += 1
        }
        return .start(name: Self.localName(name), attributes: attributes, selfClosing: selfClosing)
    }

    static func isSpace(_ byte: UInt8) -> Bool { byte == 32 || byte == 9 || byte == 10 || byte == 13 }

    static func localName(_ bytes: ArraySlice<UInt8>) -> String {
        let local = bytes.lastIndex(of: 58).map { bytes[($0 + 1)...] } ?? bytes
        return String(decoding: local, as: UTF8.self)
    }

    /// Decodes `&amp;` `&lt;` `&gt;` `&quot;` `&apos;` and `&#…;` references; anything else after
    /// '&' is kept as written.
    static func decodeEntities(_ bytes: ArraySlice<UInt8>) -> [UInt8] {
        guard bytes.contains(38) else { return Array(bytes) }
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let byte = bytes[index]
            guard byte == 38, let semicolon = bytes[index...].prefix(12).firstIndex(of: 59) else {
                output.append(byte)
                index += 1
                continue
            }
            let name = String(decoding: bytes[(index + 1)..<semicolon], as: UTF8.self)
            if let scalar = Self.entity(name) {
                output.append(contentsOf: Array(String(Character(scalar)).utf8))
                index = semicolon + 1
            } else {
                output.append(byte)
                index += 1
            }
        }
        return output
    }

    static func entity(_ name: String) -> Unicode.Scalar? {
        switch name {
        case "amp": return "&"
        case "lt": return "<"
        case "gt": return ">"
        case "quot": return "\""
        case "apos": return "'"
        default:
            guard name.hasPrefix("#") else { return nil }
            let digits = name.dropFirst()
            let value =
                digits.hasPrefix("x") || digits.hasPrefix("X")
                ? UInt32(digits.dropFirst(), radix: 16) : UInt32(digits, radix: 10)
            return value.flatMap(Unicode.Scalar.init)
        }
    }
}

public struct XMLAttribute: Sendable, Equatable {
    public var name: String
    public var value: String

    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}

extension [XMLAttribute] {
    public subscript(name: String) -> String? {
        first { $0.name == name }?.value
    }
}
