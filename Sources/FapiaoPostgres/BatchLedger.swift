import FapiaoCentralStore
import FapiaoCore
import Foundation

/// What one PostgreSQL batch transaction knows and has decided.
///
/// The transaction locks every key its operations touch, reads the rows they need in two
/// queries, then decides operation after operation here, in memory: each decision sees the
/// ones before it in the batch (an amend after a create, a number freed by an earlier
/// renumbering), exactly as the SQLite store sees its own uncommitted writes.
struct BatchLedger {
    /// One version to store, in the order decided.
    struct Write {
        var operation: InvoiceOperation
        var content: StoredContent
        var changedBy: String
        /// The operation's place in the batch: the low bits of its change number.
        var ordinal: Int
    }

    private var appliedHashes: [UUID: String]
    private var versions: [UUID: RemoteVersion]
    private var numberOwners: [NumberKey: UUID]
    /// Red invoices by the original they name (``Invoice/originalKeyText``).
    private var reds: [String: Set<UUID>] = [:]
    /// Every applied operation, in the order decided.
    private(set) var writes: [Write] = []

    /// A ledger over the rows read: operation hashes by id, and current versions.
    init(appliedHashes: [UUID: String], versions: [RemoteVersion]) {
        self.appliedHashes = appliedHashes
        self.versions = Dictionary(versions.map { ($0.invoice.id, $0) }, uniquingKeysWith: { first, _ in first })
        self.numberOwners = Dictionary(
            versions.map { ($0.invoice.numberKey, $0.invoice.id) },
            uniquingKeysWith: { first, _ in first }
        )
        for version in versions {
            if let key = version.invoice.originalKeyText { reds[key, default: []].insert(version.invoice.id) }
        }
    }

    /// What ``CentralRules`` needs to decide `operation`, as of the decisions so far.
    func situation(for operation: InvoiceOperation) -> CentralRules.Situation {
        CentralRules.Situation(
            appliedHash: appliedHashes[operation.id],
            current: versions[operation.invoiceID],
            numberOwner: numberOwners[operation.invoice.numberKey].flatMap { versions[$0] },
            redOriginal: operation.invoice.originalKey.flatMap { numberOwners[$0] }.flatMap { versions[$0] },
            redsAgainstOriginal: operation.invoice.originalKeyText.map { key in
                (reds[key] ?? []).compactMap { versions[$0]?.invoice }
            } ?? []
        )
    }

    /// Records `operation` as applied.
    mutating func apply(_ operation: InvoiceOperation, content: StoredContent, changedBy: String, ordinal: Int) {
        if let previous = versions[operation.invoiceID]?.invoice.numberKey,
            numberOwners[previous] == operation.invoiceID
        {
            numberOwners[previous] = nil
        }
        if let previous = versions[operation.invoiceID]?.invoice.originalKeyText {
            reds[previous]?.remove(operation.invoiceID)
        }
        if let key = operation.invoice.originalKeyText { reds[key, default: []].insert(operation.invoiceID) }
        versions[operation.invoiceID] = RemoteVersion(invoice: operation.invoice, clock: operation.clock)
        numberOwners[operation.invoice.numberKey] = operation.invoiceID
        appliedHashes[operation.id] = operation.hash
        writes.append(Write(operation: operation, content: content, changedBy: changedBy, ordinal: ordinal))
    }

    /// The last write of each invoice, in the order of each invoice's first write: one row per
    /// invoice, as a single `INSERT … ON CONFLICT DO UPDATE` statement needs.
    var finalWrites: [Write] {
        var position: [UUID: Int] = [:]
        var rows: [Write] = []
        for write in writes {
            if let index = position[write.operation.invoiceID] {
                rows[index] = write
            } else {
                position[write.operation.invoiceID] = rows.count
                rows.append(write)
            }
        }
        return rows
    }
}

/// The advisory lock keys of a batch: one per operation id, invoice id and invoice number.
///
/// Two transactions that touch the same invoice, number or operation wait for each other;
/// others run side by side. Keys are FNV-1a hashes of a tagged text, the same in every
/// process (Swift's `Hasher` is seeded per process), and are taken in ascending order so
/// that writers never deadlock one another. A collision only makes two batches wait.
enum LockKeys {
    static func keys(for operations: [InvoiceOperation]) -> [Int64] {
        var keys = Set<Int64>()
        for operation in operations {
            keys.insert(hash("op:" + operation.id.uuidText))
            keys.insert(hash("invoice:" + operation.invoiceID.uuidText))
            keys.insert(number(operation.invoice.numberKey))
            // Two batches reversing one original wait for each other, so neither misses the other's red.
            if let original = operation.invoice.originalKey { keys.insert(number(original)) }
        }
        return keys.sorted()
    }

    static func number(_ key: NumberKey) -> Int64 {
        hash("number:\(key.sellerTaxID)\u{1F}\(key.code)\u{1F}\(key.number)")
    }

    static func hash(_ text: String) -> Int64 {
        var value: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            value ^= UInt64(byte)
            value &*= 0x100_0000_01b3
        }
        return Int64(bitPattern: value)
    }
}
