import FapiaoCore
import Foundation
import GRDB

/// The open outage and what it holds, read once per transaction and kept up to date as
/// invoices are added, so an import of many invoices checks the offline limits in one pass.
struct OfflineLedger {
    /// The open outage's row id, if one is open.
    let outageID: Int64?
    let outage: OfflineRules.Outage?
    private(set) var tally: OfflineRules.Tally
    let profile: Profile

    init(db: Database, profile: Profile) throws {
        self.profile = profile
        if let row = try Row.fetchOne(
            db.cachedStatement(sql: "SELECT id, started_at FROM outage WHERE ended_at IS NULL ORDER BY id DESC LIMIT 1")
        ), let started = UTCTimestamp(parsing: row["started_at"]) {
            let id: Int64 = row["id"]
            outageID = id
            outage = OfflineRules.Outage(startedAt: started)
            tally = try Self.tally(db, outage: id)
        } else {
            outageID = nil
            outage = nil
            tally = OfflineRules.Tally()
        }
    }

    static func tally(_ db: Database, outage id: Int64) throws -> OfflineRules.Tally {
        let row = try Row.fetchOne(
            db.cachedStatement(
                sql: """
                    SELECT COUNT(*) AS n,
                        COALESCE(SUM(CASE WHEN gross >= 0 THEN gross END), 0) AS positive,
                        COALESCE(-SUM(CASE WHEN gross < 0 THEN gross END), 0) AS negative
                    FROM invoice WHERE outage_id = ?
                    """
            ),
            arguments: [id]
        )
        return OfflineRules.Tally(
            count: row?["n"] ?? 0,
            positiveGross: row?["positive"] ?? 0,
            negativeGross: row?["negative"] ?? 0
        )
    }

    /// Checks `invoice` against the outage's limits; on success counts it in.
    ///
    /// - Returns: the warnings (80 % of a limit reached).
    /// - Throws: ``ValidationFailure`` naming the limit and the figures when it would break one.
    mutating func admit(_ invoice: Invoice, at now: UTCTimestamp) throws(ValidationFailure) -> [String] {
        let check = OfflineRules.checkCapture(invoice, outage: outage, tally: tally, profile: profile, now: now)
        if !check.refusals.isEmpty { throw ValidationFailure(issues: check.refusals) }
        if outage != nil { tally = tally.adding(invoice) }
        return check.warnings
    }
}
