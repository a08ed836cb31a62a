import ArgumentParser
import FapiaoCentralStore
import FapiaoCommandSupport
import FapiaoCore
import FapiaoRemote
import Foundation

/// `fapiao-central audit`: the branches' audit chains anchored at the centre.
struct CentralAudit: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Verify, read and export the branches' anchored audit chains, and acknowledge chain breaks.",
        discussion: """
            Each sync ships the branch's new audit entries; the centre keeps them as the branch's \
            anchored chain and records a chain break when a later shipment does not continue it.

            Examples:
              fapiao-central audit verify --store sqlite:/srv/fapiao/central.sqlite
              fapiao-central audit log bj-chaoyang-01 --store sqlite:central.sqlite
              fapiao-central audit acknowledge bj-chaoyang-01 --store sqlite:central.sqlite --reason "…"
            """,
        subcommands: [Verify.self, Log.self, Acknowledge.self, Export.self]
    )

    /// `fapiao-central audit verify [--branch B]`.
    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "verify",
            abstract: "Recompute every anchored chain the centre holds and list unacknowledged chain breaks.",
            discussion: """
                Each branch's current chain is checked from its first entry: sequences without gaps, each \
                entry's hash over its contents, each link to the entry before, and the head the centre \
                recorded. Exit 0 when every chain holds; 70 when a stored chain was altered (the store was \
                tampered with); 79 when a branch has a chain break HQ has not acknowledged.

                Examples:
                  fapiao-central audit verify --store sqlite:/srv/fapiao/central.sqlite
                  fapiao-central audit verify --store sqlite:central.sqlite --branch bj-chaoyang-01 --format json
                """
        )

        @OptionGroup var storeOptions: StoreOptions
        @Option(help: ArgumentHelp("Only this branch.", valueName: "branch"))
        var branch: String?
        @Option(help: ArgumentHelp("Output format.", valueName: "format"))
        var format: ReportFormat = .text

        func validate() throws {
            if let branch { try checkBranchName(branch, field: "--branch") }
        }

        func run() async throws {
            let results = try await reportingErrors {
                try await storeOptions.withStore { store in
                    let names = try await store.branchOverviews().map(\.branch).filter { branch == nil || $0 == branch }
                    if let branch, names.isEmpty {
                        throw CentralStoreError(.notFound, "The centre has heard nothing from branch \(branch).")
                    }
                    var results: [AnchoredChainCheck] = []
                    for name in names {
                        results.append(
                            AnchoredChainCheck(
                                branch: name,
                                state: try await store.anchorState(branch: name),
                                entries: try await store.anchoredEntries(branch: name)
                            )
                        )
                    }
                    return results
                }
            }
            switch format {
            case .json: emit(CanonicalJSON.array(results.map(\.json)).text)
            case .text: results.map(\.line).forEach(emit)
            }
            if results.contains(where: { $0.problem != nil }) { throw ExitCode(ExitCodes.damaged) }
            if results.contains(where: { $0.state.isBroken }) { throw ExitCode(ExitCodes.chainBreak) }
        }
    }

    /// `fapiao-central audit log BRANCH`.
    struct Log: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "log",
            abstract: "Print a branch's audit entries as the centre holds them.",
            discussion: """
                Examples:
                  fapiao-central audit log bj-chaoyang-01 --store sqlite:/srv/fapiao/central.sqlite
                  fapiao-central audit log bj-chaoyang-01 --store sqlite:central.sqlite --epoch 1 --format json
                """
        )

        @OptionGroup var storeOptions: StoreOptions
        @Argument(help: ArgumentHelp("The branch's node id.", valueName: "branch"))
        var branch: String
        @Option(
            help: ArgumentHelp(
                "The chain before an acknowledged break (1 is the first); default the current one.",
                valueName: "n"
            )
        )
        var epoch: Int64?
        @Option(help: ArgumentHelp("Output format (json: one entry per line).", valueName: "format"))
        var format: ReportFormat = .text

        func validate() throws {
            try checkBranchName(branch, field: "BRANCH")
        }

        func run() async throws {
            let entries = try await reportingErrors {
                try await storeOptions.withStore { store in
                    try await store.anchoredEntries(branch: branch, epoch: epoch)
                }
            }
            switch format {
            case .json:
                for entry in entries { emit(entry.wireJSON.text) }
            case .text:
                emit(
                    table(
                        ["SEQ", "TIME (UTC)", "ACTOR", "EVENT", "INVOICE", "HASH"],
                        entries.map { entry in
                            [
                                String(entry.sequence), entry.wallTime.description, entry.actor, entry.event.rawValue,
                                entry.invoiceID.map { String($0.uuidText.prefix(8)) } ?? "-",
                                String(entry.hash.prefix(16)),
                            ]
                        }
                    )
                )
            }
        }
    }

    /// `fapiao-central audit acknowledge BRANCH --reason R`.
    struct Acknowledge: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "acknowledge",
            abstract: "Acknowledge a branch's chain break, so its pushes are taken again.",
            discussion: """
                Records who acknowledged the break, when and why, beside the break and both heads. The \
                branch's chain so far stays at the centre; its next sync anchors its journal's chain anew \
                from the first entry. Exit 66 when the branch has no break waiting.

                Examples:
                  fapiao-central audit acknowledge bj-chaoyang-01 --store sqlite:central.sqlite \\
                      --reason "journal restored from the 11-30 backup after a disk failure; ticket 4711"
                """
        )

        @OptionGroup var storeOptions: StoreOptions
        @OptionGroup var actorOptions: ActorOptions
        @Argument(help: ArgumentHelp("The branch's node id.", valueName: "branch"))
        var branch: String
        @Option(help: ArgumentHelp("Why the break is acceptable (kept with it).", valueName: "text"))
        var reason: String

        func validate() throws {
            try checkBranchName(branch, field: "BRANCH")
            guard !reason.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
                throw ValidationError("--reason must say why the break is acceptable; it is kept with the break.")
            }
        }

        func run() async throws {
            try await reportingErrors {
                try await storeOptions.withStore { store in
                    let actor = actorOptions.actor(default: store.node)
                    let found = try await store.acknowledgeBreak(branch: branch, actor: actor, reason: reason)
                    emit(
                        "acknowledged the chain break of \(branch) found \(found.detectedAt) "
                            + "(anchored \(found.anchored), branch at \(found.branchHead)); its pushes are taken again"
                    )
                }
            }
        }
    }
}

/// One branch's anchored chain, checked.
struct AnchoredChainCheck {
    var branch: String
    var state: AnchorState
    var entries: [AuditEntry]
    /// The first problem of the stored chain, or `nil`.
    var problem: String?

    init(branch: String, state: AnchorState, entries: [AuditEntry]) {
        self.branch = branch
        self.state = state
        self.entries = entries
        var verifier = AuditChainVerifier()
        do {
            for entry in entries { try verifier.check(entry) }
            let head = entries.last.map(ChainPosition.init) ?? .origin
            if head != state.head {
                problem = "the recorded head \(state.head) is not the last stored entry \(head)"
            }
        } catch {
            problem = "the stored \(error.description)"
        }
    }

    var line: String {
        if let problem { return "\(branch): TAMPERED at the centre: \(problem)" }
        var text = "\(branch): chain \(state.epoch) intact, \(entries.count.grouped) entries, head \(state.head)"
        if let found = state.unacknowledgedBreak {
            text += "; CHAIN BREAK found \(found.detectedAt): \(found.reason) (branch at \(found.branchHead))"
        }
        return text
    }

    var json: CanonicalJSON {
        .object([
            "branch": .string(branch),
            "epoch": .integer(state.epoch),
            "entries": .integer(Int64(entries.count)),
            "head": state.head.canonicalJSON,
            "intact": .bool(problem == nil),
            "problem": .optional(problem),
            "state": .string(state.stateName),
            "break": state.unacknowledgedBreak?.canonicalJSON ?? .null,
        ])
    }
}
