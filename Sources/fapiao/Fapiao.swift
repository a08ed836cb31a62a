import ArgumentParser
import FapiaoCommandSupport

@main
struct Fapiao: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fapiao",
        abstract: "Keep a branch office invoicing while the central invoice system is down.",
        discussion: """
            Invoices are captured into a durable local journal and queued for the central system. \
            Every change is audited in a hash chain.

            Journal: --journal PATH, else $FAPIAO_JOURNAL, else $XDG_DATA_HOME/fapiao/journal.sqlite \
            (~/.local/share/fapiao/journal.sqlite).

            Exit codes: 0 done; 1 done, attention needed; 64 usage; 65 invalid invoice data; \
            66 input file, journal or invoice not found; 69 remote unreachable or unavailable; \
            70 journal damaged or audit chain broken; 73 journal already exists; 74 I/O error or disk full; \
            75 busy: another sync holds the lease or another command the journal, try later; \
            76 the remote (or an exec: program) broke the protocol; \
            77 permission denied, token refused or token file too open; \
            78 not a Fapiao journal, or from a newer version.
            """,
        subcommands: [
            Init.self, Enqueue.self, Import.self, List.self, Show.self, Amend.self, VoidInvoice.self, Red.self,
            Sync.self,
            Status.self, Quarantine.self, Conflicts.self, Reconcile.self, Audit.self, OutageCommand.self,
            PeriodCommand.self, ProfileCommand.self, SeriesCommand.self, NumbersCommand.self, Config.self, Notify.self,
            Backup.self, Restore.self,
            Demo.self,
        ]
    )

    /// Arguments that are not UTF-8 are refused before they are parsed (``ArgumentEncoding``).
    static func main() async {
        ArgumentEncoding.refuseNonUTF8Arguments(program: "fapiao")
        await main(nil)
    }
}
