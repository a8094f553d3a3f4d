import Capacita
import CapacitaOutput
import Foundation
import Mustache

/// Every template the pages render, and the partials they include: the renderer takes a case,
/// and `PagesController.library()` checks at start that each name is in the library.
enum PageTemplate: String, CaseIterable, Sendable {
    case cobertura, entrar, grupo, inicio, mensaje, parametro, resultado, subir, tablas, verificar
    case vistaPrevia = "vista-previa"
    case codigo, contrasena, cuentas, olvido, recuperacion, sesiones, tokens
    case dosPasos = "dos-pasos"
    case asistencia
    case indicadorPrograma = "indicador-programa"
    case arco
    case misConstancias = "mis-constancias"
    case misConstanciasEntrar = "mis-constancias-entrar"
    case participante

    /// Included by the pages with `{{> name}}`: missing, a page would render without them.
    static let partials = ["cabecera", "exportar", "pie", "tabla"]

    static var required: [String] { allCases.map(\.rawValue) + partials }
}

/// What a template is rendered with: typed views looked up in order, as one flat set of keys
/// (the page's own view first, then what it shares: the year form, the signed-in header). A key a
/// view leaves nil falls through to the next, and a key no view has renders nothing: swift-mustache
/// reads an optional's value, never prints «nil» for an absent one.
struct PageView: MustacheParent, Sendable {
    var layers: [any Sendable]

    init(_ layers: (any Sendable)?...) { self.layers = layers.compactMap { $0 } }

    func child(named name: String) -> Any? {
        for layer in layers {
            guard let found = Mirror(reflecting: layer).children.first(where: { $0.label == name }) else { continue }
            let value = Mirror(reflecting: found.value)
            if value.displayStyle == .optional {
                guard let wrapped = value.children.first else { continue }
                return wrapped.value
            }
            return found.value
        }
        return nil
    }
}

/// What every signed-in page shows around its content: who is signed in, the sign-out form's
/// token, and the uploads the role may use.
struct SignedInHeader: Sendable {
    struct UploadLink: Sendable {
        var kind: String
        var label: String
    }

    var signedIn = true
    var csrf: String
    var user: String
    var agency: String?
    var uploads: [UploadLink]
    /// The Secretaría Técnica and enlaces see «Cuentas».
    var managesAccounts: Bool
    /// The Secretaría Técnica sees «ARCO» (requests about personal data).
    var managesPersonalData = false
}

/// A page about one year: its title, the year form's bounds, the options line.
struct YearForm: Sendable {
    var title: String
    var year: Int
    var firstYear: Int
    var lastYear: Int
    var options: String
}

/// The short page that says one thing and links onward.
struct MessageView: Sendable {
    var title: String
    var message: String
    var link = "/"
    var linkText = "Volver al inicio"
}

/// One option of a select.
struct ChoiceView: Sendable {
    var value: String
    var label: String
    var selected: Bool
}

/// The CSV and workbook links beside a table.
struct ExportLinks: Sendable {
    var csv: String
    var xlsx: String
}

/// A table as a page shows it (the `tabla` partial).
struct TableView: Sendable {
    struct CellView: Sendable {
        var text: String
        var number: Bool
    }

    struct Row: Sendable {
        var cells: [CellView]
    }

    var columns: [String]
    var rows: [Row]
    var hasRows: Bool
    var caption: String?
}
