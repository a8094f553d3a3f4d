import CapacitaFiles
import Testing

@Suite struct BinaryFileKindTests {
    @Test func workbooksAndBinaryFilesAreToldApartFromText() {
        #expect(BinaryFileKind.detect([0x50, 0x4B, 0x03, 0x04, 0x14]) == .zipArchive)
        #expect(BinaryFileKind.detect([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0]) == .oleContainer)
        #expect(BinaryFileKind.detect([0xFF, 0xFE, 0x63, 0x00]) == nil)  // UTF-16 is text, read as such
        #expect(BinaryFileKind.detect(Array("curp,nombre\n".utf8) + [0]) == .binary)
        #expect(BinaryFileKind.detect(Array("curp;nombre\r\nJOSÉ".utf8)) == nil)
        #expect(BinaryFileKind.detect([0xEF, 0xBB, 0xBF] + Array("curp".utf8)) == nil)
    }
}
