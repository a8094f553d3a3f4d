import ArgumentParser
import Foundation

// Exit status (design.md): 0 success (help included); 1 input refused, nothing written; 2 usage
// error; 3 the database could not be reached or failed. Parsing and running share one catch:
// help for a group without a subcommand (`capacita enroll`) is thrown from `run()`.
let arguments = Array(CommandLine.arguments.dropFirst())
// No option needs more than a path's length; a longer one is a usage error, not a value to match.
if let long = arguments.first(where: { $0.utf8.count > 4096 }) {
    Failure.printError("Error: un argumento tiene \(long.utf8.count) bytes; el máximo es 4096.")
    exit(2)
}
do {
    var command = try CapacitaCommand.parseAsRoot(arguments)
    try command.run()
} catch {
    exit(Failure.report(error, arguments: arguments))
}
