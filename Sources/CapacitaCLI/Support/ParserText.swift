import ArgumentParser
import CapacitaOutput
import Foundation

/// The argument parser writes its help and its usage errors in English. People read them in
/// Spanish: each known phrase is rewritten here, in one table, and an unknown subcommand gets the
/// closest one suggested. Only the parser's own phrases are rewritten; our help texts are
/// Spanish already.
enum ParserText {
    private static let rewrites: [(pattern: String, template: String)] = [
        // Help
        (#"(?m)^OVERVIEW: "#, "DESCRIPCIÓN: "),
        (#"(?m)^USAGE: "#, "USO: "),
        (#"(?m)^ARGUMENTS:$"#, "ARGUMENTOS:"),
        (#"(?m)^OPTIONS:$"#, "OPCIONES:"),
        (#"(?m)^SUBCOMMANDS:$"#, "SUBCOMANDOS:"),
        (#"Show help information\."#, "Muestra esta ayuda."),
        (#"Show the version\."#, "Muestra la versión."),
        (#"Show subcommand help information\."#, "Muestra la ayuda de un subcomando."),
        // The help wraps lines anywhere, inside these parentheses too.
        (#"\(values:(\s)"#, "(valores:$1"),
        (#"; default:(\s)"#, "; predeterminado:$1"),
        (#"\(default:(\s)"#, "(predeterminado:$1"),
        (#"\(default\)"#, "(predeterminado)"),
        (#"See '([^']*) <subcommand>' for detailed help\."#, "Vea '$1 <subcomando>' para la ayuda de cada uno."),
        (#"<subcommand>"#, "<subcomando>"),
        // Usage errors
        (#"(?m)^Usage: "#, "Uso: "),
        (#"See '([^']*)' for more information\."#, "Vea '$1' para más información."),
        (#"Unknown option '([^']*)'\. Did you mean '([^']*)'\?"#, "Opción desconocida '$1'. ¿Quiso decir '$2'?"),
        (#"Unknown option '([^']*)'"#, "Opción desconocida '$1'"),
        (#"Unexpected argument '([^']*)'"#, "Argumento inesperado '$1'"),
        (#"(\d+) unexpected arguments: "#, "$1 argumentos inesperados: "),
        (#"Missing expected argument '([^']*)'"#, "Falta el argumento '$1'"),
        (#"Missing one of: "#, "Falta uno de: "),
        (#"Missing value for '([^']*)'"#, "Falta el valor de '$1'"),
        (#"Missing required subcommand\."#, "Falta el subcomando."),
        (#"Invalid option: "#, "Opción no válida: "),
        (
            #"The option '([^']*)' does not take any value, but '([^']*)' was specified\."#,
            "La opción '$1' no lleva valor, pero se dio '$2'."
        ),
        (#"The value '([^']*)' is invalid for '([^']*)'"#, "El valor '$1' no es válido para '$2'"),
        (#"The value '([^']*)' is invalid\."#, "El valor '$1' no es válido."),
        (#"\. Please provide one of the following:"#, ". Valores posibles:"),
        (#"\. Please provide one of ([^\n]*)\."#, ". Valores posibles: $1."),
        (#"Value to be set with (.*) had already been set with (.*)"#, "El valor de $1 ya se había dado con $2"),
        (#"(?m)^Error: "#, "Error: "),
        (#"(?m)^Help: "#, "Ayuda: "),
    ]

    private static let compiled: [(NSRegularExpression, String)] = rewrites.map {
        // The patterns are constants of this file; a bad one is a programming error caught by the tests.
        (try! NSRegularExpression(pattern: $0.pattern), $0.template)
    }

    static func spanish(_ text: String) -> String {
        var result = text
        for (expression, template) in compiled {
            result = expression.stringByReplacingMatches(
                in: result, range: NSRange(result.startIndex..., in: result), withTemplate: template)
        }
        return result
    }

    /// A word typed where a subcommand was expected: "«enrol» no es un subcomando de capacita.
    /// ¿Quiso decir «enroll»?". nil when every word before the first option names a subcommand.
    static func unknownSubcommand(root: any ParsableCommand.Type, arguments: [String]) -> String? {
        var command = root
        var path = [root._commandName]
        for word in arguments {
            if word.hasPrefix("-") { return nil }
            let children = command.configuration.subcommands
            if let child = children.first(where: { $0._commandName == word }) {
                command = child
                path.append(word)
                continue
            }
            guard !children.isEmpty, word != "help" else { return nil }
            let names = children.map { $0._commandName }
            let typed = word.lowercased()
            let best = names.map { (name: $0, distance: editDistance(typed, $0)) }
                .filter { $0.distance <= max(2, $0.name.count / 3) || $0.name.hasPrefix(typed) }
                .min { ($0.distance, $0.name) < ($1.distance, $1.name) }
            let shown = TerminalText.cell(word, limit: 40)
            return "«\(shown)» no es un subcomando de \(path.joined(separator: " "))."
                + (best.map { " ¿Quiso decir «\($0.name)»?" } ?? "")
        }
        return nil
    }

    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a)
        let b = Array(b)
        guard !a.isEmpty else { return b.count }
        guard !b.isEmpty else { return a.count }
        var previous = Array(0...b.count)
        var current = previous
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
