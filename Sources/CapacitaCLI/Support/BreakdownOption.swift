import ArgumentParser
import Capacita

/// `--by sexo,orden,entidad,publico` for the reports that split their totals (coverage, a group,
/// a course), read as `report events` reads it: bounded, each once, a usage error otherwise.
struct BreakdownOption: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "Desgloses, uno o varios separados por comas: sexo, orden, entidad, publico (una tabla más por cada uno, que suma el total).",
            valueName: "desglose"),
        transform: { text in
            switch Breakdown.list(text) {
            case .success(let list): return list
            case .failure(let problem): throw ValidationError(problem.description)
            }
        }
    )
    var by: [Breakdown] = []
}
