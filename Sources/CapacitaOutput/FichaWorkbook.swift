import Capacita

/// A ficha as a workbook: its counts as fields, under the same column names the table form of a
/// ficha import reads (edad_18_29, escolaridad_secundaria…), then its puestos and prior courses.
public enum FichaWorkbook {
    public static func document(_ ficha: Ficha) -> WorkbookDocument {
        var fields: [WorkbookSheet.Field] = [
            .init("dependencia", .text(ficha.agencyCode)), .init("anio", .int(ficha.year)),
            .init("total", .int(ficha.total)), .init("hombres", .int(ficha.hombres)),
            .init("mujeres", .int(ficha.mujeres)), .init("otro", .int(ficha.otro)),
        ]
        for (group, keys, values) in [
            ("edad", FichaShape.ageRanges, ficha.edad), ("escolaridad", FichaShape.education, ficha.escolaridad),
            ("area", FichaShape.areas, ficha.area), ("necesidades", FichaShape.needs, ficha.necesidades),
        ] {
            fields += keys.map { .init(FichaShape.csvColumn(group, $0), .int(values[$0] ?? 0)) }
        }
        fields.append(.init("observaciones", ficha.observaciones.map(Cell.text) ?? .null))
        return WorkbookDocument([
            WorkbookSheet(
                name: "Ficha \(ficha.agencyCode) \(ficha.year)",
                content: .fields(title: "Ficha diagnóstica de \(ficha.agencyCode), \(ficha.year)", fields)),
            WorkbookSheet(
                name: "Puestos",
                content: .table(
                    Table(
                        columns: ["puesto", "tier", "people"],
                        rows: ficha.puestos.map { [.text($0.puesto), .code($0.nivel.rawValue), .int($0.personas)] }))),
            WorkbookSheet(
                name: "Cursos previos",
                content: .table(
                    Table(
                        columns: ["course", "people"],
                        rows: ficha.cursosPrevios.map { [.text($0.curso), .int($0.personas)] }))),
        ])
    }
}
