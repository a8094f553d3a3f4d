import ArgumentParser
import Foundation

// Exit status (design.md): 0 success (help included); 1 input refused, nothing written; 2 usage
// error; 3 the database could not be reached or failed. Parsing and running share one catch:
// help for a group without a subcommand (`capacita enroll`) is thrown from `run()`.
let arguments = Array(CommandLine.arguments.dropFirst())
do {
    var command = try CapacitaCommand.parseAsRoot(arguments)
    try command.run()
} catch {
    exit(Failure.report(error, arguments: arguments))
}
