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

    @Test func aTallyWithoutIDsCountsWhatTheFullOneNames() throws {
        let ukey = try Self.profile("cn-ukey")
        // Two months, overdue and not: issue dates from late October to late November.
        let invoices = try (0..<40).map { day in
            let captured = try Self.instant("2026-10-20T02:00:00.000Z").millisecondsSinceEpoch + Int64(day) * 86_400_000
            let at = UTCTimestamp(millisecondsSinceEpoch: captured)
            return OfflineRules.Unsynced(
                id: SequentialIDSource.id(UInt64(day)),
                issueDate: CalendarDate(at: at, in: ukey.timeZone),
                capturedAt: at
            )
        }
        // October's invoices are overdue on 10 December, November's not yet.
        let now = try Self.instant("2026-12-10T00:00:00.000Z")
        var full = OfflineRules.UnsyncedTally(profile: ukey, now: now)
        var counting = OfflineRules.UnsyncedTally(profile: ukey, now: now, keepingIDs: false)
        for invoice in invoices {
            full.add(invoice)
            counting.add(invoice)
        }
        let named = full.reminders(openOutage: nil)
        let counted = counting.reminders(openOutage: nil)
        #expect(named == OfflineRules.reminders(unsynced: invoices, openOutage: nil, profile: ukey, now: now))
        #expect(named.map(\.message) == counted.map(\.message))
        #expect(counted.allSatisfy { $0.invoiceIDs.isEmpty })
        let overdue = named.filter { $0.rule == "uploadDeadline" && $0.severity == .error }
        #expect(overdue.count == 1)
        #expect(counting.overdueCount == overdue[0].invoiceIDs.count)
        #expect(counting.overdueCount > 0 && counting.overdueCount < invoices.count)
    }

    /// The tally remembers deadlines by issue date where the profile's rule depends on nothing
    /// else: under every built-in profile, and each kind of rule, it counts what computing each
    /// invoice's deadline on its own counts.
    @Test func theTallyCountsAsEachDeadlineComputedAlone() throws {
        let start = try Self.instant("2026-10-01T02:00:00.000Z").millisecondsSinceEpoch
        let outage = OfflineRules.Outage(
            startedAt: try Self.instant("2026-10-10T00:00:00.000Z"),
            endedAt: try Self.instant("2026-10-12T03:00:00.000Z")
        )
        var profiles = try Profile.builtInNames.map(Profile.builtIn)
        for rule in [
            Profile.UploadDeadline.hoursAfterOutageEnd(72), .businessDaysAfterOutageEnd(3),
            .businessDaysAfterIssue(5), .filingDay,
        ] {
            var profile = try Self.profile("cn-ukey")
            profile.uploadDeadline = rule
            profiles.append(profile)
        }
        for profile in profiles {
            // Three invoices a day for 50 days, captured at different hours, some in an outage.
            let invoices = (0..<150).map { index in
                let at = UTCTimestamp(
                    millisecondsSinceEpoch: start + Int64(index / 3) * 86_400_000 + Int64(index % 3) * 7_200_000
                )
                return OfflineRules.Unsynced(
                    id: SequentialIDSource.id(UInt64(index)),
                    issueDate: CalendarDate(at: at, in: profile.timeZone),
                    capturedAt: at,
                    outage: index % 5 == 0 ? outage : nil
                )
            }
            for now in ["2026-10-20T00:00:00.000Z", "2026-11-16T00:00:00.000Z", "2026-12-31T00:00:00.000Z"] {
                let instant = try Self.instant(now)
                var tally = OfflineRules.UnsyncedTally(profile: profile, now: instant, keepingIDs: false)
                for invoice in invoices { tally.add(invoice) }
                let alone = invoices.count { invoice in
                    OfflineRules.uploadDeadline(
                        issueDate: invoice.issueDate,
                        capturedAt: invoice.capturedAt,
                        outage: invoice.outage,
                        profile: profile
                    ).map { $0 <= instant } ?? false
                }
                #expect(tally.overdueCount == alone, "\(profile.uploadDeadline) at \(now)")
            }
        }
    }
}
