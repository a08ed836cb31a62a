import ArgumentParser
import FapiaoCommandSupport
import FapiaoCore
import FapiaoJournal
import FapiaoSQLiteFiles
import Foundation

struct Backup: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Copy the journal into a checked backup file, while captures and syncs go on.",
        discussion: """
            The copy is made with SQLite's online backup API from one consistent snapshot, a few pages \
            a step, so `fapiao sync --watch` and captures are not held up. It is written under a \
            temporary name (mode 0600), flushed to the disk, opened as a journal and checked as \
            `fapiao audit verify` checks one (SQLite's integrity check, the audit chain, every operation \
            and invoice), and only then given its name: a backup killed part-way leaves no file at PATH \
            (the next backup removes its temporary file). An existing PATH is never overwritten.

            PATH: a file, or a directory to make a timestamped file in; by default backups/ beside the \
            journal (made 0700). Files are named after the journal and the time in UTC: \
            journal-2026-12-04T101500Z.sqlite. --keep N then deletes all but the N newest backups of this \
            journal in that directory (only files named and made that way).

            A backup writes nothing to the journal, not even an audit entry (an entry made after the copy \
            would leave every backup one entry behind its journal). Restore one with `fapiao restore PATH`.

            Exit codes: 0 done; 70 the copy fails its check (the journal is damaged); 73 a file is at \
            PATH; 74 I/O error or disk full; 77 the directory cannot be written.

            Examples:
              fapiao backup
              fapiao backup /mnt/usb/fapiao/ --keep 14
              fapiao backup /srv/backups/journal-before-upgrade.sqlite --format json
              0 2 * * * fapiao backup --keep 7 --format json >> /var/log/fapiao-backup.log   # cron
            """
    )

    @OptionGroup var journalOptions: JournalOptions
    @Argument(
        help: ArgumentHelp(
            "A file, or a directory for a timestamped file (default: backups/ beside the journal).",
            valueName: "path"
        )
    )
    var path: String?
    @Option(
        help: ArgumentHelp("Keep only the N newest backups of this journal in the backup's directory.", valueName: "n")
    )
    var keep: Int?
    @Option(help: ArgumentHelp("Output format.", valueName: "format"))
    var format: ReportFormat = .text

    func validate() throws {
        if let keep, keep < 1 {
            throw ValidationError("--keep must be at least 1 (the backup just taken is one of them).")
        }
    }

    func run() throws {
        let started = ContinuousClock.now
        let receipt = try reportingErrors {
            let journal = try journalOptions.open()
            defer { try? journal.close() }
            let destination = journal.backupDestination(argument: path)
            let progress = Progress(label: "copied pages")
            return try journal.backup(to: destination, keep: keep) { step in
                // Only journals of more than a few steps are worth a progress line.
                if step.totalPages > 20 * Int(SQLiteBackup.defaultPagesPerStep) {
                    progress.update(step.copiedPages, step.totalPages)
                }
            }
        }
        let elapsed = ContinuousClock.now - started
        switch format {
        case .json: emit(Self.json(receipt, elapsed: elapsed).text)
        case .text: emit(Self.text(receipt, elapsed: elapsed, keep: keep))
        }
    }

    static func text(_ receipt: JournalBackupReceipt, elapsed: Duration, keep: Int?) -> String {
        var lines = [
            "Backed up \(receipt.invoices.grouped) invoices and \(receipt.auditEntries.grouped) audit entries "
                + "(verified, head \(receipt.head.prefix(12))) to \(receipt.path) "
                + "(\(size(receipt.bytes))) "
                + "in \(DurationText.describe(elapsed))."
        ]
        if let keep, !receipt.rotated.isEmpty {
            lines.append("Deleted \(receipt.rotated.count) older backup(s) to keep the \(keep) newest:")
            lines += receipt.rotated.map { "  \($0)" }
        }
        if !receipt.strayRemoved.isEmpty {
            lines.append("Removed \(receipt.strayRemoved.count) temporary file(s) left by a backup that was stopped.")
        }
        return lines.joined(separator: "\n")
    }

    /// `812 KB`, `12.3 MB`: a file's size for a person.
    static func size(_ bytes: Int64) -> String {
        if bytes < 1_000_000 { return "\(max(1, (bytes + 999) / 1000)) KB" }
        let tenths = (bytes + 50_000) / 100_000
        return "\(tenths / 10).\(tenths % 10) MB"
    }

    static func json(_ receipt: JournalBackupReceipt, elapsed: Duration) -> CanonicalJSON {
        let (seconds, attoseconds) = elapsed.components
        return .object([
            "path": .string(receipt.path),
            "node": .string(receipt.node),
            "bytes": .integer(receipt.bytes),
            "invoices": .integer(Int64(receipt.invoices)),
            "auditEntries": .integer(Int64(receipt.auditEntries)),
            "head": .string(receipt.head),
            "durationMilliseconds": .integer(seconds * 1000 + attoseconds / 1_000_000_000_000_000),
            "rotated": .array(receipt.rotated.map(CanonicalJSON.string)),
        ])
    }
}
