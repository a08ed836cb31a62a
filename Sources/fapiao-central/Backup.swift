import ArgumentParser
import FapiaoCentralStore
import FapiaoCommandSupport
import FapiaoCore
import Foundation

/// `fapiao-central backup PATH`.
struct Backup: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Copy a SQLite central store into a checked backup file while the service runs.",
        discussion: """
            Made with SQLite's online backup API from one consistent snapshot, a few pages a step, so \
            `fapiao-central serve` keeps taking pushes. The copy is written under a temporary name (mode \
            0600), flushed, integrity-checked, and only then given its name: a backup killed part-way \
            leaves no file at PATH. An existing PATH is never overwritten (exit 73). A PostgreSQL store \
            is backed up with pg_dump (see the README).

            Examples:
              fapiao-central backup /srv/backups/central-2026-12-04.sqlite --store sqlite:/srv/fapiao/central.sqlite
              fapiao-central backup /srv/backups/central.sqlite --store sqlite:central.sqlite --format json
            """
    )

    @OptionGroup var storeOptions: StoreOptions
    @Argument(help: ArgumentHelp("The backup file to write (a new file).", valueName: "path"))
    var path: String
    @Option(help: ArgumentHelp("Output format.", valueName: "format"))
    var format: ReportFormat = .text

    func run() async throws {
        let receipt = try await reportingErrors {
            switch try storeOptions.location() {
            case .postgres:
                throw CentralStoreError(
                    .invalidLocation,
                    "A PostgreSQL central store is backed up with PostgreSQL's own tools: "
                        + "pg_dump -Fc DB > central.dump, restored with pg_restore (see the README)."
                )
            case .sqlite(let store):
                return try SQLiteCentralStore.backup(path: store, to: path)
            }
        }
        switch format {
        case .json:
            emit(CanonicalJSON.object(["path": .string(receipt.path), "bytes": .integer(receipt.bytes)]).text)
        case .text:
            emit("Backed up the central store to \(receipt.path) (\(receipt.bytes) bytes, integrity checked).")
        }
    }
}
