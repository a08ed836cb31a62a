import ArgumentParser
import FapiaoCentralService
import FapiaoCentralStore
import FapiaoCommandSupport
import FapiaoCore
import Foundation

/// `fapiao-central token`: manage the bearer tokens.
struct Token: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token",
        abstract: "Manage the nodes' bearer tokens.",
        discussion: """
            Examples:
              fapiao-central token add bj-chaoyang-01 --tokens /etc/fapiao/tokens --output bj-01.token
            """,
        subcommands: [Add.self]
    )

    /// `fapiao-central token add NODE [--output FILE]`.
    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add",
            abstract: "Give a node a new random token; write it to --output FILE or print it, once.",
            discussion: """
                Generates a random 256-bit token, appends `NODE SHA256HEX` to the tokens file (created \
                with mode 0600 if missing) and hands the token over once: with --output FILE it is \
                written to FILE, created new with mode 0600 (an existing FILE is never replaced: exit 73; \
                its directory must exist: exit 66), else printed on standard output. Only the digest is \
                kept, so this is the one chance to copy it: it becomes the branch's token file (mode \
                0600; `fapiao sync` refuses a more open one, exit 77) or $FAPIAO_TOKEN. A node that already \
                has a token is refused (exit 73); delete its line to replace it. NODE follows the rule \
                `fapiao init --node` does: \(NodeName.rule). The token of the store's own node (default \
                `central`) is HQ's.

                Examples:
                  fapiao-central token add bj-chaoyang-01 --tokens /etc/fapiao/tokens \\
                      --output bj-chaoyang-01.token
                  fapiao-central token add central --tokens /etc/fapiao/tokens
                  FAPIAO_CENTRAL_TOKENS=/etc/fapiao/tokens fapiao-central token add sh-pudong-02 \\
                      --output /media/usb/sh-pudong-02.token
                """
        )

        @Argument(help: ArgumentHelp("The node's id, e.g. bj-chaoyang-01.", valueName: "node"))
        var node: String

        @OptionGroup var tokensOptions: TokensOptions

        @Option(
            help: ArgumentHelp(
                "Write the token to this new file (mode 0600) instead of standard output.",
                valueName: "file"
            )
        )
        var output: String?

        func run() async throws {
            try await reportingErrors {
                let path = try tokensOptions.path()
                // The name first, then the output file: a refused call changes nothing.
                try TokenRegistry.checkNewNode(node)
                let file = try output.map { try SecretFile.createNew($0, what: "Token file") }
                let token: String
                do {
                    token = try TokenRegistry.addToken(for: node, toFileAt: path)
                } catch {
                    file?.abandon()
                    throw error
                }
                if let file {
                    try file.write(token)
                    FileHandle.standardError.write(
                        Data("Added a token for \(node) to \(path); wrote it to \(file.path) (mode 0600).\n".utf8)
                    )
                } else {
                    emit(token)
                    FileHandle.standardError.write(
                        Data("Added a token for \(node) to \(path); it is shown only this once.\n".utf8)
                    )
                }
            }
        }
    }
}
