import ArgumentParser
import FapiaoCentralService
import FapiaoCentralStore
import FapiaoCommandSupport
import FapiaoCore
import Foundation

extension CentralAudit {
    /// `fapiao-central audit export BRANCH DIR`: a branch's anchored chain as an auditor takes it away.
    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "export",
            abstract: "Export a branch's audit entries as the centre holds them, with a manifest HQ signs.",
            discussion: """
                The same export as `fapiao audit export` at the branch (rows in audit.csv or audit.jsonl, \
                manifest.json with the filters, counts, first and last entries, the chain's head and each \
                file's SHA-256), made from the copy anchored at the centre and signed with HQ's Ed25519 key: \
                --key FILE (64 hexadecimal digits, mode 0600), by default STORE.signing-key beside an SQLite \
                store, made on first use. `fapiao audit verify-export DIR --public-key HQ-KEY` checks it \
                anywhere. Exits 73 when DIR exists and is not empty, 66 when the centre holds no entry of \
                the branch.

                Examples:
                  fapiao-central audit export sh-pudong-02 audit-sh-2026-11 --store sqlite:/srv/fapiao/central.sqlite \\
                      --since 2026-11-01 --until 2026-12-01
                  fapiao-central audit export sh-pudong-02 out --store … --epoch 1 --key /etc/fapiao/hq.signing-key
                """
        )

        @OptionGroup var storeOptions: StoreOptions
        @Argument(help: ArgumentHelp("The branch's node id.", valueName: "branch"))
        var branch: String
        @Argument(
            help: ArgumentHelp("The directory to write (created; an existing one must be empty).", valueName: "dir")
        )
        var directory: String
        @OptionGroup var filterOptions: AuditFilterOptions
        @Option(help: ArgumentHelp("Only the entries of this invoice id.", valueName: "uuid"))
        var invoice: String?
        @Option(
            help: ArgumentHelp(
                "The chain before an acknowledged break (1 is the first); default the current one.",
                valueName: "n"
            )
        )
        var epoch: Int64?
        @Option(help: ArgumentHelp("The rows file: csv or jsonl.", valueName: "format"))
        var format: AuditExportFormat = .csv
        @Option(
            help: ArgumentHelp(
                "HQ's signing key file (default: an SQLite store's path + .signing-key).",
                valueName: "file"
            )
        )
        var key: String?
        @Option(help: ArgumentHelp("The summary: text or json.", valueName: "format"))
        var output: ReportFormat = .text

        func validate() throws {
            try checkBranchName(branch, field: "BRANCH")
            if let invoice, UUID(uuidText: invoice) == nil {
                throw ValidationError("--invoice must be an invoice id (a UUID), not \(invoice).")
            }
            _ = try filterOptions.filter(invoiceID: nil)
        }

        func run() async throws {
            try await reportingErrors {
                let filter = try filterOptions.filter(invoiceID: invoice.flatMap(UUID.init(uuidText:)))
                try AuditExport.checkDestination(directory)
                // HQ's key: beside an SQLite store by default; a PostgreSQL store has no such place.
                var defaultKey = ""
                switch try storeOptions.location() {
                case .sqlite(let path): defaultKey = path + ".signing-key"
                case .postgres where key == nil:
                    throw ValidationError("--key must name HQ's signing key file for a PostgreSQL store.")
                case .postgres: break
                }
                let (signingKey, madeAt) = try SigningKeyFile.key(given: key, defaultPath: defaultKey)
                if let madeAt {
                    reporter.printError(
                        "made HQ's signing key \(madeAt) (fingerprint \(signingKey.publicKey.fingerprint)); back it "
                            + "up, and give auditors its public key: \(signingKey.publicKey.hex)"
                    )
                }
                let entries = try await storeOptions.withStore { store in
                    try await store.anchoredEntries(branch: branch, epoch: epoch)
                }
                guard let head = entries.last else {
                    throw CentralStoreError(
                        .notFound,
                        "The centre holds no audit entry of \(branch)\(epoch.map { " in chain \($0)" } ?? "")."
                    )
                }
                let (export, manifest) = AuditExport.make(
                    entries: entries.filter(filter.matches),
                    filter: filter,
                    chainHead: head,
                    node: branch,
                    created: CentralService.systemNow(),
                    format: format,
                    signingKey: signingKey
                )
                try export.write(to: directory)
                switch output {
                case .json:
                    emit(manifest.summaryJSON(directory: directory).text)
                case .text:
                    emit(
                        "exported \(Int(manifest.rowCount).grouped) audit entries of \(branch) (\(manifest.rangeText)) "
                            + "to \(directory); signed with HQ's key \(manifest.publicKey.fingerprint)"
                    )
                }
            }
        }
    }
}
