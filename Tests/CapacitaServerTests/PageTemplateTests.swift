import Foundation
import Testing

@testable import CapacitaServer

/// The templates the pages render are checked when the service starts, and a typed view's absent
/// optional renders as nothing (never «nil»).
@Suite struct PageTemplateTests {
    @Test func theShippedLibraryHasEveryTemplate() async throws {
        let library = try await PagesController.library()
        try PagesController.checkTemplates(library)
    }

    @Test func aLibraryMissingOneTemplateFailsTheCheck() throws {
        for name in PageTemplate.required {
            let present = Set(PageTemplate.required).subtracting([name])
            let error = try #require(throws: ServerStartError.self) {
                try PagesController.checkTemplates { present.contains($0) }
            }
            #expect(error.description.contains("\(name).mustache"), "\(error)")
        }
        try PagesController.checkTemplates { Set(PageTemplate.required).contains($0) }
    }

    @Test func anAbsentOptionalPrintsNothing() async throws {
        let library = try await PagesController.library()
        let without = try #require(
            PagesController.html(library, .entrar, PageView(PagesController.SignInView(formCSRF: "f", problem: nil))))
        #expect(!without.contains("nil"))
        let with = try #require(
            PagesController.html(
                library, .entrar, PageView(PagesController.SignInView(formCSRF: "f", problem: "Token no válido"))))
        #expect(with.contains("Token no válido"))
        #expect(without.count < with.count)
        let message = try #require(
            PagesController.html(library, .mensaje, PageView(MessageView(title: "T", message: "M"), nil)))
        #expect(!message.contains("nil"))
        #expect(!message.contains("Salir"))
    }
}
