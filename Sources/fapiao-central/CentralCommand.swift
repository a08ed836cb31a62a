import ArgumentParser
import FapiaoCommandSupport

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
            The token of the store's own node (default `central`) is HQ's: it may amend and void any invoice.

            Exit codes (the same table as fapiao's): 0 done; 64 usage; 65 invalid change; 66 store, tokens \
            file or invoice not found; 69 cannot listen, or the store cannot be reached; 70 store damaged; \
            73 the node already has a token; 74 I/O error or the store's disk is full; 75 the store is busy, \
            try again; 77 tokens or store file open to other users, or the password refused; 78 not a central \
            store, a newer one, another node's, or a malformed tokens file; 79 a branch's audit chain is \
            broken and not acknowledged (audit verify).
            """,
        subcommands: [
            Serve.self, Token.self, AmendInvoice.self, VoidInvoice.self, Stats.self, Numbers.self, Branches.self,
            CentralAudit.self, Backup.self,
        ]
    )

    /// Arguments that are not UTF-8 are refused before they are parsed (``ArgumentEncoding``).
    static func main() async {
        ArgumentEncoding.refuseNonUTF8Arguments(program: "fapiao-central")
        await main(nil)
    }
}
