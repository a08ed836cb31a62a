import ArgumentParser
import FapiaoCommandSupport
import FapiaoCore
import FapiaoJournal
import FapiaoRemote
import FapiaoSync
import Foundation

struct Reconcile: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reconcile",
        abstract: "Compare the journal with the remote's record, invoice by invoice, and repair what can be repaired.",
        discussion: """
            Answers "my invoice is not in the system". Fetches every invoice of this branch the \
            remote holds and compares each with the journal by clock and content:
              missing at the remote   accepted once, gone now: re-queued (the next sync restores it)
              older at the remote     the remote lost a later version: re-queued
              content differs         same clock, different content (changed at the remote \\
            outside Fapiao): a conflict, see `fapiao conflicts`
              newer at the remote     changed elsewhere: applied here, or a conflict
              missing here            the remote holds an invoice of this branch the journal lacks: reported
            Holds the sync lease while it runs. --dry-run reports without changing anything.

            Exit codes: 0 the journal and the remote agree; 1 differences found (re-queued or \
            recorded as conflicts, see the report); 69 remote unreachable; 75 a sync is running; \
            77 token refused.

            Examples:
              fapiao reconcile
              fapiao reconcile --dry-run
              fapiao reconcile --format json > reconcile.json
            """
    )

    @OptionGroup var journalOptions: JournalOptions
    @OptionGroup var actorOptions: ActorOptions
    @Flag(help: "Report only: re-queue nothing, record no conflict.")
    var dryRun = false
    @OptionGroup var remoteOptions: RemoteOptions
    @Option(help: ArgumentHelp("Output format.", valueName: "format"))
    var format: ReportFormat = .text

    func run() async throws {
        let exitCode = try await reportingAsyncErrors {
            let journal = try journalOptions.open()
            let adapter = try await RemoteConnection.open(
                url: remoteOptions.remote,
                tokenFile: remoteOptions.tokenFile,
                caFile: remoteOptions.caFile,
                journal: journal
            )
            let report = try await RemoteConnection.using(adapter) {
                let progress = Progress(label: "compared")
                defer { progress.finish() }
                return try await Reconciler(
                    journal: journal,
                    remote: adapter,
                    owner: LeaseOwner.current(),
                    actor: actorOptions.actor(for: journal)
                ).run(apply: !dryRun) { done in progress.count(done) }
            }
            emit(format == .json ? Self.json(report).text : Self.text(report, remote: adapter.endpoint))
            return report.isClean ? 0 : ExitStatus.attention
        }
        if exitCode != 0 { throw ExitCode(exitCode) }
    }

    static let headings: [(ReconcileFinding.Kind, String)] = [
        (.missingAtRemote, "missing at the remote"),
        (.olderAtRemote, "older at the remote"),
        (.contentDiffers, "content differs"),
        (.newerAtRemote, "newer at the remote"),
        (.missingLocally, "missing here"),
    ]

    /// A report a clerk can read out to the tax office hotline.
    static func text(_ report: ReconcileReport, remote: String) -> String {
        var lines = [
            "Compared with \(remote): the remote holds \(report.remoteInvoices.grouped) invoices of this branch; \(report.matching.grouped) match the journal exactly."
        ]
        if report.awaitingPush > 0 {
            lines.append("\(report.awaitingPush.grouped) have changes still queued here (sent by the next sync).")
        }
        for (kind, heading) in headings {
            let found = report.findings.filter { $0.kind == kind }
            guard !found.isEmpty else { continue }
            lines.append("\(heading): \(found.count.grouped) — \(action(kind, applied: report.applied))")
            for finding in found.prefix(50) {
                var line = "  number \(finding.number)  invoice \(finding.invoiceID.uuidText)"
                if let operationID = finding.operationID {
                    line += "  re-queued as \(operationID.uuidText.prefix(8))"
                }
                if let conflictID = finding.conflictID { line += "  conflict \(conflictID.uuidText.prefix(8))" }
                lines.append(line)
            }
            if found.count > 50 { lines.append("  … and \((found.count - 50).grouped) more (--format json lists all)") }
        }
        lines.append(
            report.isClean
                ? "The journal and the remote agree."
                : report.applied
                    ? "Run `fapiao sync` to send what was re-queued; `fapiao conflicts list` shows the conflicts."
                    : "Dry run: nothing was changed."
        )
        return lines.joined(separator: "\n")
    }

    private static func action(_ kind: ReconcileFinding.Kind, applied: Bool) -> String {
        switch kind {
        case .missingAtRemote, .olderAtRemote: applied ? "re-queued" : "would be re-queued"
        case .contentDiffers: applied ? "recorded as conflicts" : "would be recorded as conflicts"
        case .newerAtRemote: applied ? "applied here, or recorded as conflicts" : "would be applied or recorded"
        case .missingLocally: "reported; the journal holds no such invoice"
        }
    }

    static func json(_ report: ReconcileReport) -> CanonicalJSON {
        var counts: [String: CanonicalJSON] = [:]
        for kind in ReconcileFinding.Kind.allCases { counts[kind.rawValue] = .integer(Int64(report.count(kind))) }
        return .object([
            "remoteInvoices": .integer(Int64(report.remoteInvoices)),
            "matching": .integer(Int64(report.matching)),
            "awaitingPush": .integer(Int64(report.awaitingPush)),
            "applied": .bool(report.applied),
            "counts": .object(counts),
            "findings": .array(
                report.findings.map { finding in
                    .object([
                        "kind": .string(finding.kind.rawValue),
                        "invoiceID": .string(finding.invoiceID.uuidText),
                        "number": .string(finding.number),
                        "opID": finding.operationID.map { .string($0.uuidText) } ?? .null,
                        "conflictID": finding.conflictID.map { .string($0.uuidText) } ?? .null,
                    ])
                }
            ),
        ])
    }
}
