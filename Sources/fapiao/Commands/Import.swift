import ArgumentParser
import FapiaoCommandSupport
import FapiaoCore
import FapiaoJournal
import Foundation

struct Import: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Capture many invoices from a CSV or JSONL file, all or nothing.",
        discussion: """
            Every record is validated first and every bad one reported with its line number and reason. \
            Then either all records are captured in one transaction, or, if any is bad, none \
            (unless --skip-invalid). A crash part-way leaves none of the file's invoices.

            CSV: a header row naming the fields (type, code, number, issueDate, seller.name, seller.taxID, \
            buyer.name, buyer.taxID, net, taxRate, tax, gross, currency, checkCode, note, operator). \
            JSONL: one invoice per line in the JSON wire form.

            Examples:
              fapiao import outage-2026-11-20.csv
              fapiao import invoices.jsonl --skip-invalid --format json
              fapiao import invoices.jsonl --dry-run
            """
    )

    @OptionGroup var journalOptions: JournalOptions
    @OptionGroup var actorOptions: ActorOptions
    @Argument(
        help: ArgumentHelp(
            "The file to import (.csv, .jsonl), or - for standard input with --input-format.",
            valueName: "file"
        )
    )
    var file: String
    @Option(help: ArgumentHelp("csv or jsonl (default: from the file name).", valueName: "format"))
    var inputFormat: InvoiceFileFormat?
    @Flag(help: "Capture the valid records and report the invalid ones, instead of capturing nothing.")
    var skipInvalid = false
    @Flag(help: "Validate and report only; capture nothing.")
    var dryRun = false
    @OptionGroup var overrides: OverrideOptions
    @Option(help: ArgumentHelp("Output format.", valueName: "format"))
    var format: ReportFormat = .text

    func validate() throws {
        if inputFormat == nil, InvoiceFileFormat.guess(path: file) == nil {
            throw ValidationError("Cannot tell the format of \(file) from its name; pass --input-format csv or jsonl.")
        }
    }

    func run() throws {
        try reportingErrors {
            let journal = try journalOptions.open()
            guard let fileFormat = inputFormat ?? InvoiceFileFormat.guess(path: file) else {
                throw ExitCode(ExitStatus.usage)
            }
            let rows = try InvoiceFileReader.read(path: file, format: fileFormat)
            let options = CaptureOptions(
                actor: actorOptions.actor(for: journal),
                source: "import:" + (file as NSString).lastPathComponent,
                acceptBadCheckCharacters: overrides.acceptBadCheckCharacter,
                acceptOutsideSeries: overrides.outsideSeries,
                overrideReason: overrides.overrideReason
            )
            let plan = try journal.planImport(rows, options: options, progress: Progress(label: "validating").update)
            for rejection in plan.invalid.prefix(format == .text ? 200 : Int.max) where format == .text {
                printNote("line \(rejection.line): \(rejection.failure)")
            }
            if format == .text, plan.invalid.count > 200 {
                printNote("… and \((plan.invalid.count - 200).grouped) more invalid records")
            }
            let refuse = !plan.invalid.isEmpty && !skipInvalid
            var imported = 0
            if !refuse, !dryRun, !plan.valid.isEmpty {
                imported = try journal.commitImport(
                    plan,
                    options: options,
                    progress: Progress(label: "capturing").update
                )
            }
            report(plan: plan, imported: imported, refused: refuse)
            if refuse { throw ExitCode(ExitStatus.invalidData) }
            if !plan.invalid.isEmpty { throw ExitCode(ExitStatus.attention) }
        }
    }

    private func report(plan: ImportPlan, imported: Int, refused: Bool) {
        switch format {
        case .json:
            emit(
                CanonicalJSON.object([
                    "file": .string(file),
                    "records": .integer(Int64(plan.total)),
                    "valid": .integer(Int64(plan.valid.count)),
                    "invalid": .integer(Int64(plan.invalid.count)),
                    "imported": .integer(Int64(imported)),
                    "dryRun": .bool(dryRun),
                    "errors": .array(
                        plan.invalid.map { rejection in
                            .object([
                                "line": .integer(Int64(rejection.line)),
                                "message": .string(rejection.failure.description),
                                "issues": .array(
                                    rejection.failure.issues.map {
                                        .object([
                                            "field": .string($0.field), "rule": .string($0.rule),
                                            "message": .string($0.message),
                                        ])
                                    }
                                ),
                            ])
                        }
                    ),
                ]).text
            )
        case .text:
            if refused {
                printError(
                    "Nothing imported: \(plan.invalid.count.grouped) of \(plan.total.grouped) records in \(file) are invalid; "
                        + "fix them or pass --skip-invalid to import the \(plan.valid.count.grouped) valid ones."
                )
            } else if dryRun {
                emit(
                    "checked \(plan.total.grouped) records: \(plan.valid.count.grouped) valid, \(plan.invalid.count.grouped) invalid; nothing captured (--dry-run)"
                )
            } else {
                emit(
                    "imported \(imported.grouped) invoices from \(file)"
                        + (plan.invalid.isEmpty ? "" : "; skipped \(plan.invalid.count.grouped) invalid records")
                )
            }
        }
    }
}

extension InvoiceFileFormat: ExpressibleByArgument {}
