import ArgumentParser

extension AsyncParsableCommand {
    /// Runs `PROGRAM NAME ARGUMENTS…` through the parser of the subcommand NAME alone, when NAME
    /// is one of this command's subcommands with none of its own and its parser takes the
    /// arguments; returns `false`, having run nothing, otherwise.
    ///
    /// swift-argument-parser's parse from the root builds the argument sets of the whole command
    /// tree, twice, and looks for a completion-script request through all of it: about 27 million
    /// instructions, a third of what a `fapiao sync` of nothing costs. A subcommand's own
    /// parser reads the same arguments the same way. Whatever it refuses (a mistake, `--help`) is
    /// left to ``main(_:)`` from the root, so errors and help read as they always have; a
    /// subcommand's `validate()` may then run twice. Errors from `run()` exit as the root's do.
    ///
    /// - Parameter arguments: the arguments after the program's name.
    /// - Returns: whether the subcommand ran.
    public static func runSubcommandDirectly(_ arguments: [String]) async -> Bool {
        guard let name = arguments.first,
            let type = configuration.subcommands.first(where: { $0._commandName == name }),
            type.configuration.subcommands.isEmpty,
            let command = try? type.parse(Array(arguments.dropFirst()))
        else { return false }
        do {
            if var command = command as? any AsyncParsableCommand {
                try await command.run()
            } else {
                var command = command
                try command.run()
            }
        } catch {
            exit(withError: error)
        }
        return true
    }
}
