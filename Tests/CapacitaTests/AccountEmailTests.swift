import Capacita
import Testing

/// An account's e-mail: one form per address, and nothing the outbox or an SMTP envelope would refuse.
@Suite struct AccountEmailTests {
    @Test func anAddressIsTrimmedAndComparedWithoutCase() {
        #expect(AccountEmail.normalize("  Enlace@SICT.gob.mx ") == "enlace@sict.gob.mx")
    }

    @Test func whatWouldBreakAHeaderOrTheEnvelopeIsRefused() {
        for bad in [
            "", "sin-arroba", "a@b", "@sict.gob.mx", "a@.mx", "a@sict.", "a b@sict.gob.mx", "a@@sict.gob.mx",
            "a\r\nBcc: x@y.mx@sict.gob.mx", "<a@sict.gob.mx>", "a>@sict.gob.mx", "a@sict.gob.mx<",
            String(repeating: "a", count: 250) + "@b.mx",
        ] {
            #expect(AccountEmail.normalize(bad) == nil, "\(bad)")
        }
    }
}
