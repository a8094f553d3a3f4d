import Capacita
import CapacitaServer
import CapacitaStore
import Foundation
import Logging
import Postgres
import TestSupport
import Testing

/// The retention pass the service may run on a schedule: off unless CAPACITA_RETENTION_EVERY says
/// how many hours apart; a pass on the application role's pool cancels who is due, as the
/// Secretaría Técnica under the user `retencion`.
@Suite struct RetentionServiceTests {
    @Test func theScheduleIsOffUnlessConfigured() throws {
        #expect(try RetentionService.interval([:]) == nil)
        #expect(try RetentionService.interval([RetentionService.variable: ""]) == nil)
        #expect(try RetentionService.interval([RetentionService.variable: "24"]) == .seconds(24 * 3600))
        for bad in ["0", "721", "un día", "-3"] {
            #expect(throws: RetentionConfigurationError.self) {
                try RetentionService.interval([RetentionService.variable: bad])
            }
        }
        let fixture = try ServiceFixture.make()
        defer { fixture.drop() }
        #expect(fixture.configuration().retentionInterval == nil)
    }

    @Test func aPassCancelsWhoIsDueOnTheApplicationRole() async throws {
        let fixture = try ServiceFixture.make()
        defer { fixture.drop() }
        let owner = try Connection(fixture.ownerURL)
        let people = try owner.query("SELECT count(*) FROM person").scalar(Int.self) ?? 0
        try #require(people > 0)
        try owner.execute(
            """
            UPDATE person SET updated_at = '2024-01-01'; UPDATE person_agency SET updated_at = '2024-01-01';
            UPDATE enrollment SET updated_at = '2024-01-01'
            """)
        let pool = try ConnectionPool(conninfo: fixture.appURL, size: 2)
        defer { pool.shutdown() }
        let service = RetentionService(
            policy: RetentionPolicy(years: 1, basis: "prueba"), interval: .seconds(3600), pool: pool,
            logger: Logger(label: "capacita-test"))
        let early = try await service.pass(today: CalendarDate(clamping: 2025, month: 1, day: 1))
        #expect(early.cancelled == 0, "the groups of 2024 ended less than a year before")
        let outcome = try await service.pass(today: CalendarDate(clamping: 2026, month: 1, day: 1))
        #expect(outcome.cancelled == people && outcome.failed == 0 && outcome.skipped.isEmpty)
        #expect(try owner.query("SELECT count(*) FROM person_anonymized").scalar(Int.self) == people)
        #expect(
            try owner.query(
                "SELECT count(DISTINCT user_name) FROM audit_log WHERE action = 'person.anonymize'"
            ).scalar(Int.self) == 1)
        #expect(
            try owner.query("SELECT min(user_name) FROM audit_log WHERE action = 'person.anonymize'")
                .scalar(String.self) == RetentionService.user)
    }
}
