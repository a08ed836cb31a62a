import ArgumentParser
import FapiaoCentralService
import FapiaoCentralStore
import Foundation

/// `fapiao-central token`: manage the bearer tokens.
struct Token: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Manage the nodes' bearer tokens.",
        subcommands: [Add.self]
    )

    /// `fapiao-central token add NODE`.
    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Give a node a new random token; print it once.",
            discussion: """
                Generates a random 256-bit token, appends `NODE SHA256HEX` to the tokens file (created \
                with mode 0600 if missing) and prints the token on standard output. Only the digest is \
                kept, so this is the one chance to copy it: put it in the branch's token file (mode 0600) \
                or $FAPIAO_TOKEN. A node that already has a token is refused; delete its line to replace it. \
                The token of the store's own node (default `central`) is HQ's.

                Examples:
                  fapiao-central token add bj-chaoyang-01 --tokens /etc/fapiao/tokens > bj-chaoyang-01.token
                  fapiao-central token add central --tokens /etc/fapiao/tokens
                """
        )

        @Argument(help: ArgumentHelp("The node's id, e.g. bj-chaoyang-01.", valueName: "node"))
        var node: String

        @OptionGroup var tokensOptions: TokensOptions

        func validate() throws {
            guard TokenRegistry.isValidNode(node) else {
                throw ValidationError("NODE must be 1 to 64 letters, digits, '.', '_' or '-', e.g. bj-chaoyang-01.")
            }
        }

        func run() async throws {
            try await reportingErrors {
                let path = try tokensOptions.path()
                let token = try TokenRegistry.addToken(for: node, toFileAt: path)
                emit(token)
                FileHandle.standardError.write(
                    Data("Added a token for \(node) to \(path); it is shown only this once.\n".utf8)
                )
            }
        }
    }
}
