import ArgumentParser
import FapiaoCommandSupport
import FapiaoCore
import FapiaoJournal
import FapiaoRemote
import Foundation

struct Audit: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Read and verify the journal's tamper-evident audit chain.",
        discussion: """
            Examples:
              fapiao audit verify --remote
              fapiao audit log --invoice 0B7C3A4E --format json
              fapiao audit export /media/usb/audit-2026-11 --since 2026-11-01 --until 2026-12-01
              fapiao audit verify-export /media/usb/audit-2026-11 --public-key bj-chaoyang-01.pub
            """,
        subcommands: [Log.self, Verify.self, Export.self, VerifyExport.self]
    )

    struct Log: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "log",
            abstract: "Print audit entries in order.",
            discussion: """
                CSV has a header and the columns of `fapiao audit export` (CRLF line ends, no byte-order \
                mark on standard output).

                Examples:
                  fapiao audit log
                  fapiao audit log --invoice 0B7C3A4E
                  fapiao audit log --format json | jq 'select(.event == "voided")'
                  fapiao audit log --format csv > audit.csv
                """
        )

        @OptionGroup var journalOptions: JournalOptions
        @Option(help: ArgumentHelp("Only the entries of this invoice (id, id prefix or number).", valueName: "id"))
        var invoice: String?
        @Option(help: ArgumentHelp("At most this many entries.", valueName: "n"))
        var limit: Int?
        @Option(help: ArgumentHelp("table, json (one object per line) or csv.", valueName: "format"))
        var format: OutputFormat = .table

        func run() throws {
            try reportingErrors {
                let journal = try journalOptions.open()
                let invoiceID = try invoice.map { try journal.invoice($0).invoice.id }
                let entries = try journal.auditEntries(invoiceID: invoiceID, limit: limit)
                switch format {
                case .json:
                    for entry in entries { emit(AuditPresentation.json(entry).text) }
                case .csv:
                    let rows = entries.enumerated().map { AuditExportRow(row: $0.offset + 1, entry: $0.element) }
                    FileHandle.standardOutput.write(Data(AuditExportFormat.csv.encode(rows, byteOrderMark: false)))
                case .table:
                    emit(table(AuditPresentation.header, entries.map(AuditPresentation.row)))
                }
            }
        }
    }

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "verify",
            abstract: "Recompute the hash chain and check every operation and invoice against it.",
            discussion: """
                Exits 0 when intact; 70 naming the first broken entry when not. With --remote, also \
                compares the chain with the copy anchored at the centre: the journal's entry at the \
                centre's head must be the one the centre holds (exit 79 when it is not, or when the \
                centre has recorded a chain break for this branch; 76 when the remote does not anchor \
                audit chains).

                Examples:
                  fapiao audit verify
                  fapiao audit verify --remote
                  fapiao audit verify --format json
                """
        )

        @OptionGroup var journalOptions: JournalOptions
        @Flag(help: "Also compare the chain with the copy anchored at the centre (the journal's remote).")
        var remote = false
        @Option(
            name: .customLong("remote-url"),
            help: ArgumentHelp("The remote to compare with, overriding the journal's.", valueName: "url")
        )
        var remoteURL: String?
        @Option(help: ArgumentHelp("File holding the bearer token (mode 0600); $FAPIAO_TOKEN wins.", valueName: "path"))
        var tokenFile: String?
        @Option(help: ArgumentHelp("Output format.", valueName: "format"))
        var format: ReportFormat = .text

        func run() async throws {
            let journal = try reportingErrors { try journalOptions.open() }
            let result = try reportingErrors { try journal.verifyAudit() }
            var anchored: AnchorComparison?
            if remote || remoteURL != nil, result.isIntact {
                anchored = try await reportingAsyncErrors {
                    let adapter = try await RemoteConnection.open(
                        url: remoteURL,
                        tokenFile: tokenFile,
                        journal: journal
                    )
                    return try await RemoteConnection.using(adapter) {
                        try await AnchorComparison(journal: journal, remote: adapter)
                    }
                }
            }
            switch format {
            case .json:
                emit(
                    CanonicalJSON.object([
                        "intact": .bool(result.isIntact),
                        "entries": .integer(Int64(result.entriesChecked)),
                        "operations": .integer(Int64(result.operationsChecked)),
                        "invoices": .integer(Int64(result.invoicesChecked)),
                        "head": .string(result.head),
                        "problem": .optional(result.problem),
                        "brokenSequence": result.brokenSequence.map(CanonicalJSON.integer) ?? .null,
                        "anchored": anchored?.json ?? .null,
                    ]).text
                )
            case .text:
                if result.isIntact {
                    emit(
                        "audit chain intact: \(result.entriesChecked.grouped) entries, \(result.operationsChecked.grouped) operations, "
                            + "\(result.invoicesChecked.grouped) invoices checked; head \(result.head.prefix(16))"
                    )
                }
                if let anchored { emit(anchored.line) }
            }
            if let problem = result.problem {
                printError(
                    "Audit verification failed: \(problem); restore the journal with `fapiao restore BACKUP` and report it."
                )
                throw ExitCode(ExitStatus.damaged)
            }
            if let anchored, let problem = anchored.problem {
                printError(problem)
                throw ExitCode(ExitStatus.chainBreak)
            }
        }
    }
}

/// The journal's chain compared with the copy anchored at the centre.
struct AnchorComparison {
    var state: AnchorState
    var localHead: ChainPosition
    /// Why the two copies disagree, as a sentence, or `nil` when the journal continues the centre's copy.
    var problem: String?

    init(journal: Journal, remote: any RemoteAdapter) async throws {
        let node = journal.settings.node
        state = try await remote.anchorState(branch: node)
        localHead = try journal.auditHead()
        if let found = state.unacknowledgedBreak {
            problem = found.sentence(branch: node)
        } else if let local = try journal.auditPosition(at: state.head.sequence), local == state.head {
            problem = nil
        } else {
            problem =
                "The journal's chain does not continue the copy anchored at \(remote.endpoint) (anchored up to "
                + "\(state.head), journal at \(localHead)): the journal was rewritten, truncated or replaced; the next "
                + "sync will be refused as a chain break."
        }
    }

    var line: String {
        guard problem == nil else {
            return "anchored copy: DOES NOT MATCH (chain \(state.epoch), centre at \(state.head))"
        }
        let waiting = localHead.sequence - state.head.sequence
        return "anchored at the centre up to \(state.head) of chain \(state.epoch); "
            + (waiting > 0 ? "\(Int(waiting).grouped) newer entries go with the next sync" : "nothing left to anchor")
    }

    var json: CanonicalJSON {
        .object([
            "matches": .bool(problem == nil),
            "state": .string(state.stateName),
            "epoch": .integer(state.epoch),
            "centreHead": state.head.canonicalJSON,
            "localHead": localHead.canonicalJSON,
            "problem": .optional(problem),
        ])
    }
}

enum AuditPresentation {
    static let header = ["SEQ", "TIME (UTC)", "NODE", "ACTOR", "EVENT", "INVOICE", "CLOCK", "DETAILS"]

    static func row(_ entry: AuditEntry) -> [String] {
        [
            String(entry.sequence), entry.wallTime.description, entry.node, entry.actor, entry.event.rawValue,
            entry.invoiceID.map { String($0.uuidText.prefix(8)) } ?? "-", entry.clock.description,
            truncated(entry.detailsText, width: 60),
        ]
    }

    static func json(_ entry: AuditEntry) -> CanonicalJSON {
        let details =
            (try? JSONValue.parse(entry.detailsText)).map(CanonicalJSON.init(json:)) ?? .string(entry.detailsText)
        return .object([
            "sequence": .integer(entry.sequence),
            "wallTime": .string(entry.wallTime.description),
            "node": .string(entry.node),
            "actor": .string(entry.actor),
            "event": .string(entry.event.rawValue),
            "invoiceID": .optional(entry.invoiceID?.uuidText),
            "operationID": .optional(entry.operationID?.uuidText),
            "clock": entry.clock.canonicalJSON,
            "details": details,
            "previousHash": .string(entry.previousHash),
            "hash": .string(entry.hash),
        ])
    }
}
