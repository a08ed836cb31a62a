import ArgumentParser
import FapiaoCommandSupport
import FapiaoCore
import FapiaoJournal
import Foundation

struct Conflicts: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "conflicts",
        abstract: "Review and resolve conflicts between this branch's invoices and the remote's.",
        discussion: """
            A conflict is recorded when the remote holds a version of an invoice that neither \
            descends from this branch's nor precedes it (both changed it without seeing each \
            other), when another invoice already owns the same legal number, when the remote voided \
            an invoice changed here, or when reconcile finds the remote's copy altered. Vector \
            clocks decide, never wall time. Each conflict keeps both versions, both clocks and the \
            last version the remote accepted from this branch (the ancestor).

            `fapiao sync` settles the conflicts the resolver policies allow (`conflicts policy`; by \
            default concurrent edits of different fields merge, and anything touching a legal \
            number, an amount or a tax ID waits for a person). A resolution is a new operation \
            whose clock is the merge of both plus one, so the remote accepts it.

            Examples:
              fapiao conflicts list
              fapiao conflicts show 3f2a
              fapiao conflicts resolve 3f2a --take merged --reason "HQ fixed the buyer, we fixed the note"
              fapiao conflicts resolve 3f2a --take merged --json fixed.json --reason "buyer confirmed by phone"
              fapiao conflicts history --format json
              fapiao conflicts policy concurrentEdit remote-wins
            """,
        subcommands: [
            ConflictsList.self, ConflictsShow.self, ConflictsResolve.self, ConflictsHistory.self,
            ConflictsPolicy.self,
        ],
        defaultSubcommand: ConflictsList.self
    )
}

struct ConflictsList: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List open conflicts, oldest first.",
        discussion: """
            FIELDS names the fields the two versions disagree on; a field changed on both sides \
            is marked with *.

            Examples:
              fapiao conflicts list
              fapiao conflicts list --format json
            """
    )

    @OptionGroup var journalOptions: JournalOptions
    @Option(help: ArgumentHelp("Output format.", valueName: "format"))
    var format: ReportFormat = .text

    func run() throws {
        try reportingErrors {
            try ConflictPresentation.report(try journalOptions.open(), history: false, format: format)
        }
    }
}

struct ConflictsShow: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show a conflict: both versions side by side, field by field, with both clocks and the ancestor.",
        discussion: """
            Examples:
              fapiao conflicts show 3f2a
              fapiao conflicts show 26110000000000000001 --all
              fapiao conflicts show 3f2a --format json > conflict.json
            """
    )

    @OptionGroup var journalOptions: JournalOptions
    @Argument(
        help: ArgumentHelp("Conflict id or prefix (4+ characters), or the invoice's id or number.", valueName: "id")
    )
    var reference: String
    @Flag(help: "List every field, not only those that differ.")
    var all = false
    @Option(help: ArgumentHelp("Output format.", valueName: "format"))
    var format: ReportFormat = .text

    func run() throws {
        try reportingErrors {
            let journal = try journalOptions.open()
            let record = try journal.conflict(reference)
            let policies = try journal.resolverPolicies()
            switch format {
            case .json:
                emit(ConflictPresentation.json(record, policies: policies, withVersions: true).text)
            case .text:
                emit(ConflictPresentation.details(record, policies: policies, allFields: all))
            }
        }
    }
}

struct ConflictsHistory: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history",
        abstract: "Every conflict ever recorded, resolved or not, in causal order, with who resolved it and why.",
        discussion: """
            The order is the order the journal found them, which follows the invoices' vector \
            clocks; the wall time beside each is for people to read.

            Examples:
              fapiao conflicts history
              fapiao conflicts history --format json
            """
    )

    @OptionGroup var journalOptions: JournalOptions
    @Option(help: ArgumentHelp("Output format.", valueName: "format"))
    var format: ReportFormat = .text

    func run() throws {
        try reportingErrors {
            try ConflictPresentation.report(try journalOptions.open(), history: true, format: format)
        }
    }
}

struct ConflictsResolve: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resolve",
        abstract: "Settle a conflict: keep the local, the remote or a merged version, and say why.",
        discussion: """
            --take local keeps this branch's current version; --take remote keeps the remote's; \
            --take merged keeps the three-way merge (fields changed on one side only come from \
            that side) or, with --json FILE, the version you wrote (the whole invoice, as \
            `fapiao show ID --format json` prints it). The result is queued as a resolve operation \
            whose clock dominates both versions; `fapiao sync` sends it. Your name (--as, else the \
            journal's operator) and the reason are kept for the auditor.

            A duplicate number is never merged: give the invoice its correct number with \
            --take merged --json FILE.

            Examples:
              fapiao conflicts resolve 3f2a --take remote --reason "HQ voided it: customer cancelled"
              fapiao conflicts resolve 3f2a --take merged --reason "both corrections are right"
              fapiao conflicts show 3f2a --format json | jq .local.invoice > fixed.json   # then edit
              fapiao conflicts resolve 3f2a --take merged --json fixed.json --reason "number re-issued" --as 李会计
            """
    )

    @OptionGroup var journalOptions: JournalOptions
    @OptionGroup var actorOptions: ActorOptions
    @Argument(
        help: ArgumentHelp("Conflict id or prefix (4+ characters), or the invoice's id or number.", valueName: "id")
    )
    var reference: String
    @Option(help: ArgumentHelp("Which version to keep: local, remote or merged.", valueName: "side"))
    var take: ConflictChoice
    @Option(
        help: ArgumentHelp(
            "With --take merged: the version to keep, as JSON (a file, or - for standard input).",
            valueName: "file"
        )
    )
    var json: String?
    @Option(help: ArgumentHelp("Why, for the auditor (required).", valueName: "text"))
    var reason: String
    @Option(help: ArgumentHelp("Output format.", valueName: "format"))
    var format: ReportFormat = .text

    func validate() throws {
        if json != nil, take != .merged { throw ValidationError("--json is only read with --take merged.") }
    }

    func run() throws {
        try reportingErrors {
            let journal = try journalOptions.open()
            let input = try json.map(readInvoiceJSON)
            let receipt = try journal.resolveConflict(
                reference,
                choice: take,
                mergedInput: input,
                reason: reason,
                actor: actorOptions.actor(for: journal)
            )
            let resolution = receipt.resolution
            switch format {
            case .json:
                emit(
                    CanonicalJSON.object([
                        "conflictID": .string(receipt.conflictID.uuidText),
                        "invoiceID": .string(receipt.invoiceID.uuidText),
                        "take": .string(resolution.choice.rawValue),
                        "by": .string(resolution.resolvedBy),
                        "reason": .string(resolution.reason),
                        "opID": resolution.operationID.map { .string($0.uuidText) } ?? .null,
                        "clock": resolution.clock.canonicalJSON,
                        "invoice": receipt.invoice.canonicalJSON,
                    ]).text
                )
            case .text:
                emit(
                    "resolved conflict \(receipt.conflictID.uuidText.prefix(8)) of invoice \(receipt.invoice.number): kept the \(resolution.choice.rawValue) version (clock \(resolution.clock)); `fapiao sync` sends it"
                )
            }
        }
    }
}

extension ConflictChoice: ExpressibleByArgument {}

struct ConflictsPolicy: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "policy",
        abstract: "Show or set how sync settles each kind of conflict without a person.",
        discussion: """
            Rules: concurrentEdit, editOfVoided, contentDiffers, duplicateNumber (always manual), \
            and amounts (any conflict whose versions disagree on an amount, the lines or a tax ID; \
            it overrides the kind's policy). Policies: manual, remote-wins, local-wins, merge \
            (three-way per field; a field changed on both sides falls back to manual).

            Examples:
              fapiao conflicts policy
              fapiao conflicts policy concurrentEdit merge
              fapiao conflicts policy editOfVoided remote-wins --as 李会计
            """
    )

    @OptionGroup var journalOptions: JournalOptions
    @OptionGroup var actorOptions: ActorOptions
    @Argument(help: ArgumentHelp("The rule to set (a conflict kind, or amounts).", valueName: "rule"))
    var rule: String?
    @Argument(help: ArgumentHelp("The policy for it.", valueName: "policy"))
    var policy: String?
    @Option(help: ArgumentHelp("Output format.", valueName: "format"))
    var format: ReportFormat = .text

    func validate() throws {
        if rule != nil, policy == nil {
            throw ValidationError("Give a policy after the rule, e.g. `concurrentEdit merge`.")
        }
    }

    func run() throws {
        try reportingErrors {
            let journal = try journalOptions.open()
            var policies = try journal.resolverPolicies()
            if let rule, let policy {
                policies = try journal.setResolverPolicy(
                    rule: rule,
                    policy: policy,
                    actor: actorOptions.actor(for: journal)
                )
            }
            let pairs = policies.settingPairs.map { (String($0.0.dropFirst("resolver.".count)), $0.1) }
            switch format {
            case .json:
                emit(
                    CanonicalJSON.object(
                        Dictionary(uniqueKeysWithValues: pairs.map { ($0.0, CanonicalJSON.string($0.1)) })
                    ).text
                )
            case .text:
                emit(table(["RULE", "POLICY"], pairs.map { [$0.0, $0.1] }))
            }
        }
    }
}
