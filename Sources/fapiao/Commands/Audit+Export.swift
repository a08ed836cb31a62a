import ArgumentParser
import FapiaoCommandSupport
import FapiaoCore
import FapiaoJournal
import Foundation

extension Audit {
    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "export",
            abstract: "Write audit entries and a signed manifest into a directory an auditor can take away.",
            discussion: """
                DIR is created (or must be empty) and receives the rows, audit.csv or audit.jsonl, with every \
                field each entry's hash covers, and manifest.json: the filters, the row count, the first and \
                last entries, the chain's head, each file's size and SHA-256, the node's Ed25519 public key \
                and a signature over it all. `fapiao audit verify-export DIR` checks it anywhere, without the \
                journal.

                CSV is UTF-8 with a byte-order mark, CRLF line ends and RFC 4180 quoting, so Excel opens it \
                with Chinese intact. --since is inclusive and --until exclusive; times are UTC \
                (2026-11-20, 2026-11-20T08:15:30Z or 2026-11-20T08:15:30.125Z).

                The key is the node's: by default JOURNAL.signing-key beside the journal, made (0600) on first \
                use and refused when others may read it (exit 77). It holds the key's 32 bytes as 64 \
                hexadecimal digits; keep a backup, and give HQ the public key printed when it is made.

                Exits 73 when DIR exists and is not empty.

                Examples:
                  fapiao audit export audit-2026-11 --since 2026-11-01 --until 2026-12-01
                  fapiao audit export out --event voided --format jsonl
                  fapiao audit export out --invoice 0B7C3A4E --output json
                """
        )

        @OptionGroup var journalOptions: JournalOptions
        @Argument(
            help: ArgumentHelp("The directory to write (created; an existing one must be empty).", valueName: "dir")
        )
        var directory: String
        @OptionGroup var filterOptions: AuditFilterOptions
        @Option(help: ArgumentHelp("Only the entries of this invoice (id, id prefix or number).", valueName: "id"))
        var invoice: String?
        @Option(help: ArgumentHelp("The rows file: csv or jsonl.", valueName: "format"))
        var format: AuditExportFormat = .csv
        @Option(
            help: ArgumentHelp("The signing key file (default: the journal's path + .signing-key).", valueName: "file")
        )
        var key: String?
        @Option(help: ArgumentHelp("The summary: text or json.", valueName: "format"))
        var output: ReportFormat = .text

        func validate() throws {
            _ = try filterOptions.filter(invoiceID: nil)
        }

        func run() throws {
            try reportingErrors {
                let journal = try journalOptions.open()
                let invoiceID = try invoice.map { try journal.invoice($0).invoice.id }
                let filter = try filterOptions.filter(invoiceID: invoiceID)
                // Before a key is made: a refused export leaves nothing behind.
                try AuditExport.checkDestination(directory)
                let (signingKey, madeAt) = try SigningKeyFile.key(
                    given: key,
                    defaultPath: SigningKeyFile.defaultPath(journal: journal.path)
                )
                if let madeAt {
                    printNote(
                        "made signing key \(madeAt) (fingerprint \(signingKey.publicKey.fingerprint)); back it up, "
                            + "and give HQ its public key: \(signingKey.publicKey.hex)"
                    )
                }
                let selection = try journal.auditSelection(matching: filter)
                let (export, manifest) = AuditExport.make(
                    entries: selection.entries,
                    filter: filter,
                    chainHead: selection.head,
                    node: journal.settings.node,
                    created: selection.now,
                    format: format,
                    signingKey: signingKey
                )
                try export.write(to: directory)
                AuditExportPresentation.printExported(manifest, directory: directory, output: output)
            }
        }
    }
}
