import Foundation
import Testing

@testable import CapacitaServer

#if canImport(FoundationXML)
import FoundationXML
#endif

/// The enrollment's QR code: what is drawn is read back by a real decoder (zbarimg, from Debian's
/// zbar-tools) to the same text; the SVG is well-formed XML whose squares are the symbol's dark
/// modules inside a four-module quiet zone; input over the bound gives nil instead of a symbol.
@Suite struct QRCodeTests {
    static let uri = "otpauth://totp/capacita:ana%40example.mx?secret=JBSWY3DPEHPK3PXP&issuer=capacita"

    /// The matrix as a grey-level image, `scale` pixels per module, quiet zone included: what a
    /// camera would see of the page.
    static func pgm(_ modules: [[Bool]], scale: Int = 8) -> Data {
        let side = (modules.count + 2 * QRCode.quietZone) * scale
        var image = Data("P5\n\(side) \(side)\n255\n".utf8)
        for y in 0..<side {
            for x in 0..<side {
                let row = y / scale - QRCode.quietZone
                let column = x / scale - QRCode.quietZone
                let dark = modules.indices.contains(row) && modules.indices.contains(column) && modules[row][column]
                image.append(dark ? 0 : 255)
            }
        }
        return image
    }

    static func tool(_ name: String, package: String) throws -> URL {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        let directories: [String] = path.split(separator: ":").map(String.init) + ["/usr/bin"]
        let found = directories.map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
        return URL(fileURLWithPath: try #require(found, "\(name) is needed: apt-get install \(package)"))
    }

    /// Runs `executable` to its end; its standard output and exit status.
    static func run(_ executable: URL, _ arguments: [String]) throws -> (status: Int32, bytes: Data) {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let bytes = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, bytes)
    }

    /// What zbarimg reads in `image` (any format it knows, told by `suffix`), byte for byte:
    /// `-Sbinary` keeps it from guessing a charset and from adding a newline.
    static func decode(_ image: Data, suffix: String = "pgm") throws -> (status: Int32, bytes: Data) {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("qr-\(UUID().uuidString).\(suffix)")
        try image.write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let zbarimg = try tool("zbarimg", package: "zbar-tools")
        return try run(zbarimg, ["--raw", "-q", "-Sdisable", "-Sqrcode.enable", "-Sbinary", file.path])
    }

    /// `svg` as a PNG `pixels` wide, drawn by librsvg's rsvg-convert as a browser would draw it.
    static func render(_ svg: String, pixels: Int) throws -> Data {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("qr-\(UUID().uuidString).svg")
        try Data(svg.utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let rsvg = try tool("rsvg-convert", package: "librsvg2-bin")
        let drawn = try run(rsvg, ["--format", "png", "--width", "\(pixels)", file.path])
        try #require(drawn.status == 0 && !drawn.bytes.isEmpty, "rsvg-convert could not draw the SVG")
        return drawn.bytes
    }

    /// The SVG's elements with their attributes, in order, as Foundation's XML parser reads them;
    /// nil when the parser reports the document is not well-formed.
    final class Elements: NSObject, XMLParserDelegate {
        var found: [(name: String, attributes: [String: String])] = []

        func parser(
            _ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
            attributes: [String: String]
        ) {
            found.append((name, attributes))
        }

        static func parse(_ text: String) -> [(name: String, attributes: [String: String])]? {
            let parser = XMLParser(data: Data(text.utf8))
            let elements = Elements()
            parser.delegate = elements
            return parser.parse() ? elements.found : nil
        }
    }

    /// The unit squares a path of `M x y h w v1 h-w z` runs covers, or nil if `d` holds anything else.
    static func squares(_ d: String) throws -> Set<[Int]>? {
        let run = try Regex("M([0-9]+) ([0-9]+)h([0-9]+)v1h-([0-9]+)z")
        var covered: Set<[Int]> = []
        var consumed = 0
        for match in d.matches(of: run) {
            let numbers = (1...4).compactMap { match.output[$0].substring.flatMap { Int($0) } }
            guard numbers.count == 4, numbers[2] == numbers[3], numbers[2] > 0 else { return nil }
            for x in numbers[0]..<(numbers[0] + numbers[2]) { covered.insert([x, numbers[1]]) }
            consumed += match.output[0].substring?.count ?? 0
        }
        return consumed == d.count ? covered : nil
    }

    @Test func theDrawnSymbolDecodesBackToTheURI() throws {
        let modules = try #require(QRCode.modules(Self.uri))
        let read = try Self.decode(Self.pgm(modules))
        #expect(read.status == 0)
        #expect(String(decoding: read.bytes, as: UTF8.self) == Self.uri)
    }

    @Test func theSVGAsABrowserDrawsItDecodesBackToTheURI() throws {
        // What the page shows, not the matrix: the SVG drawn by a real renderer, at a scanner's
        // size and at a small one where a module is under four pixels.
        let svg = try #require(QRCode.svg(Self.uri))
        for pixels in [360, 120] {
            let read = try Self.decode(Self.render(svg, pixels: pixels), suffix: "png")
            #expect(read.status == 0, "\(pixels) px")
            #expect(String(decoding: read.bytes, as: UTF8.self) == Self.uri, "\(pixels) px")
        }
    }

    @Test func textAtTheBoundAndInSpanishDecodesBackByteForByte() throws {
        let spanish = "otpauth://totp/Capacitación:José Peña?secret=JBSWY3DPEHPK3PXP&issuer=Capacitación"
        let long = String(repeating: "0123456789abcdef", count: 32)
        #expect(long.utf8.count == QRCode.maximumBytes)
        for text in [spanish, long] {
            let modules = try #require(QRCode.modules(text))
            let read = try Self.decode(Self.pgm(modules))
            #expect(read.status == 0)
            #expect(read.bytes == Data(text.utf8), "\(text.prefix(20))")
        }
    }

    @Test func anImageWithoutTheSymbolDecodesToNothing() throws {
        // The decoder check above could pass on anything if zbarimg always printed something.
        let modules = try #require(QRCode.modules(Self.uri))
        let blank = modules.map { $0.map { _ in false } }
        let read = try Self.decode(Self.pgm(blank))
        #expect(read.status != 0)
        #expect(read.bytes.isEmpty)
    }

    @Test func theSVGIsWellFormedAndDrawsExactlyTheDarkModulesInsideTheQuietZone() throws {
        let modules = try #require(QRCode.modules(Self.uri))
        let svg = try #require(QRCode.svg(Self.uri))
        let elements = try #require(Elements.parse(svg), "not well-formed: \(svg.prefix(200))")
        #expect(elements.map(\.name) == ["svg", "rect", "path"])
        let root = elements[0].attributes
        let side = modules.count + 2 * QRCode.quietZone
        #expect(root["xmlns"] == "http://www.w3.org/2000/svg")
        #expect(root["viewBox"] == "0 0 \(side) \(side)")
        #expect(root["role"] == "img")
        #expect(root["aria-label"] == "Código QR para la aplicación de autenticación")
        #expect(root["shape-rendering"] == "crispEdges")
        #expect(root["width"] == nil && root["height"] == nil)

        let d = try #require(elements[2].attributes["d"])
        let drawn = try #require(try Self.squares(d), "unexpected path commands")
        var dark: Set<[Int]> = []
        for (row, line) in modules.enumerated() {
            for (column, isDark) in line.enumerated() where isDark {
                dark.insert([column + QRCode.quietZone, row + QRCode.quietZone])
            }
        }
        #expect(drawn == dark)
        let inside = QRCode.quietZone..<(QRCode.quietZone + modules.count)
        #expect(drawn.allSatisfy { inside.contains($0[0]) && inside.contains($0[1]) })
    }

    @Test func theSVGReferencesNothingOutside() throws {
        // Inlined under a strict Content-Security-Policy: no URL, script, style or link to load.
        let svg = try #require(QRCode.svg(Self.uri)).lowercased()
        for forbidden in ["href", "url(", "<script", "<style", "style=", "<image", "<foreignobject", "<use"] {
            #expect(!svg.contains(forbidden), "\(forbidden)")
        }
        // The only URL is the SVG namespace, a name and never fetched.
        #expect(svg.components(separatedBy: "http").count == 2)
        #expect(svg.contains("xmlns=\"http://www.w3.org/2000/svg\""))
        #expect(!svg.contains("secret") && !svg.contains("jbswy3dp"), "the key is not in the label")
    }

    @Test func inputOverTheBoundOrEmptyGivesNil() {
        let ascii = String(repeating: "a", count: QRCode.maximumBytes + 1)
        // 257 characters, 514 bytes: the bound is in UTF-8 bytes, not characters.
        let accented = String(repeating: "ñ", count: (QRCode.maximumBytes / 2) + 1)
        for text in [ascii, accented, "", String(repeating: "x", count: 1_000_000)] {
            #expect(QRCode.modules(text) == nil)
            #expect(QRCode.svg(text) == nil)
        }
        #expect(QRCode.svg(String(repeating: "a", count: QRCode.maximumBytes)) != nil)
        #expect(QRCode.svg(String(repeating: "ñ", count: QRCode.maximumBytes / 2)) != nil)
    }

    @Test func aNULInTheTextIsEncodedNotCut() throws {
        // Byte mode with a length: a C-string encoder would stop at the NUL and draw "abc".
        let withNUL = try #require(QRCode.modules("abc\u{0}def"))
        let cut = try #require(QRCode.modules("abc"))
        #expect(withNUL != cut)
        let read = try Self.decode(Self.pgm(withNUL))
        #expect(read.status == 0)
        #expect(read.bytes == Data("abc\u{0}def".utf8))
    }
}
