import ArgumentParser
import Foundation

// Exit status (design.md): 0 success; 1 input refused, nothing written; 2 usage error;
// 3 the database could not be reached or failed.
let command: ParsableCommand
do {
    command = try CapacitaCommand.parseAsRoot()
} catch {
    let code = CapacitaCommand.exitCode(for: error)
    if code == .success {
        print(CapacitaCommand.fullMessage(for: error))
        exit(0)
    }
    FileHandle.standardError.write(Data((CapacitaCommand.fullMessage(for: error) + "\n").utf8))
    exit(2)
}
do {
    var runnable = command
    try runnable.run()
} catch {
    exit(Failure.report(error))
}
