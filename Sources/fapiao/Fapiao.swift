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

            \(ExitCodeHelp.paragraph(ExitCodeHelp.branch))

            Examples:
              fapiao init --node bj-chaoyang-01 --remote http://hq.example:8080 \\
                  --token-file /etc/fapiao/token
              fapiao enqueue --json invoice.json
              fapiao sync --watch --interval 30s
              fapiao status --check
              fapiao audit verify --remote
            """,
        version: FapiaoVersion.current,
        subcommands: [
            Init.self, Enqueue.self, Import.self, List.self, Show.self, Amend.self, VoidInvoice.self, Red.self,
            Sync.self,
            Status.self, Quarantine.self, Conflicts.self, Reconcile.self, Audit.self, OutageCommand.self,
            PeriodCommand.self, ProfileCommand.self, SeriesCommand.self, NumbersCommand.self, Config.self, Notify.self,
            Backup.self, Restore.self,
            Demo.self,
        ]
    )

    /// Arguments that are not UTF-8 are refused before they are parsed (``ArgumentEncoding``);
    /// the line a script runs per invoice is read without the parser (``QuickEnqueueLine``), and
    /// any other line of a subcommand by that subcommand's parser alone (``runSubcommandDirectly(_:)``).
    static func main() async {
        ArgumentEncoding.refuseNonUTF8Arguments(program: "fapiao")
        let arguments = Array(CommandLine.arguments.dropFirst())
        if let line = QuickEnqueueLine(arguments: arguments) {
            EnqueueCapture.runAndExit(line)
        }
        if await runSubcommandDirectly(arguments) { return }
        await main(nil)
    }
}
