import FapiaoCore
import FapiaoTesting
import Foundation
import Testing

/// What `fapiao status` reminds a branch of, as time passes (chosen instants, never the wall clock).
@Suite struct OfflineRemindersTests {
    static func profile(_ name: String) throws -> Profile { try Profile.builtIn(name) }

    static func instant(_ text: String) throws -> UTCTimestamp { try #require(UTCTimestamp(parsing: text)) }

    static func date(_ text: String) throws -> CalendarDate { try #require(CalendarDate(parsing: text)) }

    @Test func remindersMoveFromNothingToWarningsToErrorsAsTimePasses() throws {
        let ukey = try Self.profile("cn-ukey")
        let pending = [
            OfflineRules.Unsynced(
                id: SequentialIDSource.id(1),
                issueDate: try Self.date("2026-11-20"),
                capturedAt: try Self.instant("2026-11-20T02:00:00.000Z")
            )
        ]
        func rules(_ at: String) throws -> [String] {
            OfflineRules.reminders(unsynced: pending, openOutage: nil, profile: ukey, now: try Self.instant(at))
                .map { "\($0.severity.rawValue) \($0.rule)" }
        }
        #expect(try rules("2026-11-25T00:00:00.000Z").isEmpty)
        #expect(try rules("2026-12-11T00:00:00.000Z") == ["warning unsyncedMonth"])
        #expect(try rules("2026-12-15T00:00:00.000Z") == ["warning uploadDeadline", "warning unsyncedMonth"])
        #expect(try rules("2026-12-16T00:00:00.000Z") == ["error uploadDeadline", "error filingDay"])
        let overdue = OfflineRules.reminders(
            unsynced: pending,
            openOutage: nil,
            profile: ukey,
            now: try Self.instant("2026-12-16T00:00:00.000Z")
        )
        #expect(overdue.first?.invoiceIDs == [SequentialIDSource.id(1)])
    }

    @Test func anOpenOutageWarnsAt75PercentOfItsHoursAndAt80PercentOfALimit() throws {
        let ukey = try Self.profile("cn-ukey")
        let outage = OfflineRules.Outage(startedAt: try Self.instant("2026-11-20T00:00:00.000Z"))
        func rules(_ at: String, _ tally: OfflineRules.Tally) throws -> [String] {
            OfflineRules.reminders(unsynced: [], openOutage: (outage, tally), profile: ukey, now: try Self.instant(at))
                .map { "\($0.severity.rawValue) \($0.rule)" }
        }
        #expect(try rules("2026-11-20T17:00:00.000Z", .init()).isEmpty)
        #expect(try rules("2026-11-20T18:00:00.000Z", .init()) == ["warning offline.hours"])
        #expect(try rules("2026-11-21T00:00:00.000Z", .init()) == ["error offline.hours"])
        #expect(
            try rules("2026-11-20T01:00:00.000Z", .init(count: 3, positiveGross: 80_000_000))
                == ["warning offline.positiveAmount"]
        )
    }
}
