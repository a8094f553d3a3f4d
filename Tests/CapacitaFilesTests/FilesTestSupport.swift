import Foundation

/// Writes bytes to a new temporary file and returns its path.
func temporaryFile(_ bytes: [UInt8], name: String = "file.csv") throws -> String {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("capacita-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    let url = folder.appendingPathComponent(name)
    try Data(bytes).write(to: url)
    return url.path
}

func temporaryFile(_ text: String, name: String = "file.csv") throws -> String {
    try temporaryFile(Array(text.utf8), name: name)
}
