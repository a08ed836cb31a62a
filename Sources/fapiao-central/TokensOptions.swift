import ArgumentParser
import FapiaoCommandSupport
import Foundation

/// `--tokens FILE`, else `$FAPIAO_CENTRAL_TOKENS`.
struct TokensOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "The tokens file, mode 0600 (default: $FAPIAO_CENTRAL_TOKENS).",
            valueName: "file"
        )
    )
    var tokens: String?

    func path() throws -> String {
        if let tokens, !tokens.isEmpty { return tokens }
        if let path = ProcessEnvironment.value("FAPIAO_CENTRAL_TOKENS"), !path.isEmpty { return path }
        throw ValidationError("Give the tokens file with --tokens FILE or $FAPIAO_CENTRAL_TOKENS.")
    }
}
