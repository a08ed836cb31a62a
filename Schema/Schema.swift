/// The SQL migrations, embedded in the binary so an installed `fapiao` needs no resource bundle.
public enum Schema {
    /// A migration: its id (the file name, without `.sql`) and its SQL.
    public struct Migration: Sendable, Hashable {
        public var id: String
        public var sql: String
    }

    /// The branch journal's migrations, in order; append only.
    ///
    /// SwiftPM names an embedded file by replacing characters an identifier cannot start
    /// with, hence `_001_…`.
    public static let journal: [Migration] = [
        Migration(id: "0001_create_journal", sql: text(PackageResources._001_create_journal_sql)),
        Migration(id: "0002_conflict_resolution", sql: text(PackageResources._002_conflict_resolution_sql)),
        Migration(id: "0003_offline_rules", sql: text(PackageResources._003_offline_rules_sql)),
        Migration(id: "0004_notifications", sql: text(PackageResources._004_notifications_sql)),
        Migration(id: "0005_fewer_invoice_indexes", sql: text(PackageResources._005_fewer_invoice_indexes_sql)),
    ]

    /// The central store's migrations (SQLite dialect), in order; append only.
    public static let central: [Migration] = [
        Migration(id: "0001_create_central_store", sql: text(PackageResources._001_create_central_store_sql)),
        Migration(id: "0002_red_invoices", sql: text(PackageResources._002_red_invoices_sql)),
        Migration(id: "0003_audit_anchor", sql: text(PackageResources._003_audit_anchor_sql)),
        Migration(
            id: "0004_partial_original_index",
            sql: text(PackageResources._004_partial_original_index_sql)
        ),
    ]

    /// The central store's migrations in PostgreSQL's dialect, in order; append only.
    public static let postgresCentral: [Migration] = [
        Migration(
            id: "pg_0001_create_central_store",
            sql: text(PackageResources.pg_0001_create_central_store_sql)
        ),
        Migration(id: "pg_0002_red_invoices", sql: text(PackageResources.pg_0002_red_invoices_sql)),
        Migration(id: "pg_0003_audit_anchor", sql: text(PackageResources.pg_0003_audit_anchor_sql)),
        Migration(
            id: "pg_0004_partial_original_index",
            sql: text(PackageResources.pg_0004_partial_original_index_sql)
        ),
    ]

    fileprivate static func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }
}

extension Schema {
    /// The jurisdiction profiles (`profiles/NAME.json`, format in `profiles/README.md`), by name.
    public static let profiles: [String: String] = [
        "cn-digital": text(PackageResources.cn_digital_json),
        "cn-ukey": text(PackageResources.cn_ukey_json),
        "pl-ksef": text(PackageResources.pl_ksef_json),
    ]
}
