import ArgumentParser
import FapiaoCommandSupport
import FapiaoCore
import FapiaoJournal
import FapiaoRemote
import FapiaoSync
import Foundation

struct Restore: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Put a backup in place as the journal, keep the replaced one aside, and compare with the centre.",
        discussion: """
            The backup is checked first (a Fapiao journal of this branch, SQLite's integrity check, the \
            audit chain); one that fails is refused and nothing is changed. While a sync holds the \
            journal's lease the restore is refused (exit 75): stop `fapiao sync --watch` before \
            restoring and start it again after. The journal being replaced is never deleted: it is \
            moved, with its -wal and -shm, to JOURNAL.replaced-TIMESTAMP. The backup file is only read.

            Then, with a remote configured, the restored journal is compared with the centre: the \
            centre's invoices of this branch that the backup lacks are listed by number, changes HQ \
            made since are applied, as `fapiao reconcile` does, and a backup whose audit chain ends \
            before the head the centre anchored is reported: its next sync is refused as a chain break \
            until HQ acknowledges it. When the remote cannot be reached the restore still completes and \
            says how to reconcile later.

            Exit codes: 0 restored, and the centre agrees; 1 restored, with something to attend to (the \
            centre holds more, the chain is behind, reconciliation pending); 66 no backup there; 70 the \
            backup is damaged or its audit chain broken; 75 a sync is running; 78 not a Fapiao journal.

            Examples:
              fapiao restore ~/.local/share/fapiao/backups/journal-2026-12-04T101500Z.sqlite
              fapiao restore /mnt/usb/fapiao/journal-2026-12-04T101500Z.sqlite --format json
            """
    )

    @OptionGroup var journalOptions: JournalOptions
    @OptionGroup var actorOptions: ActorOptions
    @Argument(help: ArgumentHelp("The backup file to restore (it is only read).", valueName: "backup"))
    var backup: String
    @OptionGroup var remoteOptions: RemoteOptions
    @Option(help: ArgumentHelp("Output format.", valueName: "format"))
    var format: ReportFormat = .text

    func run() async throws {
        let exitCode = try await reportingAsyncErrors {
            let clock = try AsOfClock.fromEnvironment()
            let receipt = try Journal.restore(
                from: backup,
                at: journalOptions.path,
                owner: LeaseOwner.current(),
                environment: clock?.environment ?? .system()
            )
            let journal = try journalOptions.open()
            defer { try? journal.close() }
            let comparison = try await compare(journal)
            switch format {
            case .json: emit(Self.json(receipt, comparison).text)
            case .text: emit(Self.text(receipt, comparison))
            }
            return Self.needsAttention(comparison) ? ExitStatus.attention : 0
        }
        if exitCode != 0 { throw ExitCode(exitCode) }
    }

    /// The comparison with the centre, or `nil` when no remote is configured.
    ///
    /// The journal is already restored, so a failure here leaves the comparison pending
    /// instead of failing the command.
    private func compare(_ journal: Journal) async throws -> RestoreComparison? {
        guard let url = remoteOptions.remote ?? journal.settings.remote, !url.isEmpty else { return nil }
        let head = try journal.auditHead()
        do {
            let adapter = try await RemoteConnection.open(
                url: remoteOptions.remote,
                tokenFile: remoteOptions.tokenFile,
                caFile: remoteOptions.caFile,
                journal: journal
            )
            return try await RemoteConnection.using(adapter) {
                let progress = Progress(label: "compared")
                defer { progress.finish() }
                return try await RestoreReconciler(
                    journal: journal,
                    remote: adapter,
                    owner: LeaseOwner.current(),
                    actor: actorOptions.actor(for: journal)
                ).run { done in progress.count(done) }
            }
        } catch {
            var comparison = RestoreComparison(remote: url, head: head)
            let reason = (error as? any CategorizedError)?.description ?? String(describing: error)
            comparison.pending =
                "the comparison with the centre did not complete (\(reason)); reconciliation is "
                + "pending: run `fapiao reconcile` when the remote answers"
            return comparison
        }
    }

    static func needsAttention(_ comparison: RestoreComparison?) -> Bool {
        guard let comparison else { return false }
        return comparison.pending != nil || comparison.nextSyncIsChainBreak
            || !(comparison.reconcile?.isClean ?? true)
    }

    static func text(_ receipt: JournalRestoreReceipt, _ comparison: RestoreComparison?) -> String {
        var lines = [
            "Restored \(receipt.path) from \(receipt.backup): \(receipt.invoices.grouped) invoices, "
                + "audit entries 1–\(receipt.auditEntries.grouped) verified."
        ]
        if let kept = receipt.replacedKeptAt {
            lines.append("The journal it replaced is kept at \(kept).")
        }
        guard let comparison else {
            lines.append("No remote is configured, so nothing was compared with the centre.")
            return lines.joined(separator: "\n")
        }
        if let report = comparison.reconcile {
            lines.append(
                "Compared with \(comparison.remote): the centre holds \(report.remoteInvoices.grouped) invoices of "
                    + "this branch; \(report.matching.grouped) match the restored journal exactly."
            )
            let missing = comparison.missingHere
            if !missing.isEmpty {
                lines.append(
                    "The centre holds \(missing.count.grouped) invoice(s) of this branch that the backup lacks "
                        + "(captured after it was taken; the centre keeps them):"
                )
                lines += missing.prefix(50).map { "  number \($0.number)  invoice \($0.invoiceID.uuidText)" }
                if missing.count > 50 {
                    lines.append("  … and \((missing.count - 50).grouped) more (--format json lists all)")
                }
            }
            for kind in [ReconcileFinding.Kind.missingAtRemote, .olderAtRemote, .contentDiffers, .newerAtRemote] {
                let found = report.findings.filter { $0.kind == kind }
                guard !found.isEmpty, let heading = Reconcile.headings.first(where: { $0.0 == kind })?.1 else {
                    continue
                }
                lines.append(
                    "\(heading): \(found.count.grouped) — numbers \(found.prefix(20).map(\.number).joined(separator: ", "))"
                )
            }
        }
        if let sentence = comparison.chainSentence(branch: receipt.node) { lines.append(sentence) }
        if let pending = comparison.pending { lines.append(pending.prefix(1).uppercased() + pending.dropFirst() + ".") }
        return lines.joined(separator: "\n")
    }

    static func json(_ receipt: JournalRestoreReceipt, _ comparison: RestoreComparison?) -> CanonicalJSON {
        var object: [String: CanonicalJSON] = [
            "path": .string(receipt.path),
            "backup": .string(receipt.backup),
            "node": .string(receipt.node),
            "invoices": .integer(Int64(receipt.invoices)),
            "auditEntries": .integer(Int64(receipt.auditEntries)),
            "head": receipt.head.canonicalJSON,
            "replacedKeptAt": receipt.replacedKeptAt.map(CanonicalJSON.string) ?? .null,
        ]
        guard let comparison else {
            object["centre"] = .null
            return .object(object)
        }
        var centre: [String: CanonicalJSON] = [
            "remote": .string(comparison.remote),
            "anchoredHead": comparison.anchored.map { $0.head.canonicalJSON } ?? .null,
            "nextSyncIsChainBreak": .bool(comparison.nextSyncIsChainBreak),
            "chain": comparison.chainSentence(branch: receipt.node).map(CanonicalJSON.string) ?? .null,
            "pending": comparison.pending.map(CanonicalJSON.string) ?? .null,
            "missingHere": .array(
                comparison.missingHere.map {
                    .object(["number": .string($0.number), "invoiceID": .string($0.invoiceID.uuidText)])
                }
            ),
        ]
        centre["reconcile"] = comparison.reconcile.map(Reconcile.json) ?? .null
        object["centre"] = .object(centre)
        return .object(object)
    }
}
