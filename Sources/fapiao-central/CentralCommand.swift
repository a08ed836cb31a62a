import ArgumentParser
import FapiaoCommandSupport
import FapiaoCore

/// `fapiao-central`: the central service branches sync to, and HQ's tools on its store.
@main
struct CentralCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fapiao-central",
        abstract: "Run the central invoice service that Fapiao branches sync to, and manage its store.",
        discussion: """
            Stores: --store sqlite:PATH (one office) or postgres://USER@HOST[:PORT]/DB[?sslmode=MODE] (many \
            branches, any number of instances); the password never on the command line: $PGPASSWORD, or the \
            whole URL in a 0600 --store-file or $FAPIAO_CENTRAL_STORE.

            Tokens: each node has a bearer token; the tokens file keeps only their SHA-256 digests, one \
            `NODE SHA256HEX` line per node, and must be mode 0600. --tokens FILE, else $FAPIAO_CENTRAL_TOKENS. \
            The token of the store's own node (default `central`) is HQ's: it may amend and void any invoice, \
            list any branch's changes, read /metrics and log in to the console. Node names follow the rule `fapiao init --node` \
            does: \(NodeName.rule).

            HQ's view: `branches` (last seen, outbox, rejections, chain state, deadlines), `numbers`, `stats`, \
            `audit verify | log | export | acknowledge` on the chains the branches anchored at the centre, \
            and the web console (`serve --console`); `serve --notify` sends alerts.

            \(ExitCodeHelp.paragraph(ExitCodeHelp.central, heading: "Exit codes (the same table as fapiao's)"))

            Examples:
              fapiao-central token add bj-chaoyang-01 --tokens /etc/fapiao/tokens \\
                  --output bj-chaoyang-01.token
              fapiao-central serve --store sqlite:/srv/fapiao/central.sqlite \\
                  --tokens /etc/fapiao/tokens --console
              fapiao-central branches --store sqlite:/srv/fapiao/central.sqlite
              fapiao-central audit verify --store sqlite:/srv/fapiao/central.sqlite
            """,
        version: FapiaoVersion.current,
        subcommands: [
            Serve.self, Token.self, AmendInvoice.self, VoidInvoice.self, Stats.self, Numbers.self, Branches.self,
            CentralAudit.self, Backup.self,
        ]
    )

    /// Arguments that are not UTF-8 are refused before they are parsed (``ArgumentEncoding``).
    static func main() async {
        ArgumentEncoding.refuseNonUTF8Arguments(program: "fapiao-central")
        if await runSubcommandDirectly(Array(CommandLine.arguments.dropFirst())) { return }
        await main(nil)
    }
}
