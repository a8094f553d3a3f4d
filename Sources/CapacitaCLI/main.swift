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
// `help` followed by a command that does not exist is a usage error with the closest command, as
// the same words without `help` are (the parser would print the top-level help and exit 0).
if arguments.first == "help",
    let unknown = ParserText.unknownSubcommand(root: CapacitaCommand.self, arguments: Array(arguments.dropFirst()))
{
    Failure.printError("Error: \(unknown)\nVea 'capacita --help' para más información.")
    exit(2)
}
do {
    var command = try CapacitaCommand.parseAsRoot(arguments)
    // `serve` runs the service on Swift's concurrency threads; every other command is synchronous.
    // (Called by name: on an existential, `run()` would resolve to the synchronous requirement,
    // whose default prints the help.)
    if let serve = command as? ServeCommand {
        try await serve.serve()
    } else {
        try command.run()
    }
} catch {
    exit(Failure.report(error, arguments: arguments))
}
