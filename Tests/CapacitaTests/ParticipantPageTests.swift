import Capacita
import Testing

/// The participant's page's pure parts: a request's text as the register keeps it, and the message
/// that carries the link (no name, no CURP; the link and its minutes).
@Suite struct ParticipantPageTests {
    @Test func aRequestsTextBecomesOneLine() {
        #expect(
            ParticipantPage.detail("  Mi apellido\r\nes   Martínez\t(con acento)  ")
                == "Mi apellido es Martínez (con acento)")
        #expect(ParticipantPage.detail("\n \t") == "")
    }

    @Test func theLinksMessageCarriesTheLinkAndNoOnesData() {
        let message = AccountMessage.participantLink(
            link: "https://capacita.test/mis-constancias/entrar?t=abc<&>", minutes: 30)
        #expect(message.text.contains("https://capacita.test/mis-constancias/entrar?t=abc<&>"))
        #expect(message.html.contains("t=abc&lt;&amp;&gt;") && !message.html.contains("abc<&>"))
        #expect(message.text.contains("vence en 30 minutos"))
        #expect(!message.subject.contains("\n") && message.subject.count <= 200)
    }

    @Test func onlyRectificationCancellationAndOppositionAreAskedForFromThePage() {
        #expect(ParticipantPage.requestKinds == [.rectificacion, .cancelacion, .oposicion])
    }
}
