import ArgumentParser
import FapiaoCommandSupport
import FapiaoCore
import FapiaoJournal
import Foundation

/// The invoice fields as command-line flags, shared by enqueue and amend.
struct InvoiceFieldOptions: ParsableArguments {
    @Option(help: ArgumentHelp("special | ordinary | digitalSpecial | digitalOrdinary | other", valueName: "type"))
    var type: String?
    @Option(help: ArgumentHelp("发票代码, 10 or 12 digits (legacy types only).", valueName: "code"))
    var code: String?
    @Option(help: ArgumentHelp("8 digits (legacy) or 20 digits (digital).", valueName: "number"))
    var number: String?
    @Option(name: .customLong("date"), help: ArgumentHelp("Issue date, YYYY-MM-DD.", valueName: "date"))
    var issueDate: String?
    @Option(help: ArgumentHelp("Seller's name.", valueName: "name"))
    var sellerName: String?
    @Option(help: ArgumentHelp("Seller's Unified Social Credit Code (or legacy 15-character tax ID).", valueName: "id"))
    var sellerTaxId: String?
    @Option(help: ArgumentHelp("Buyer's name.", valueName: "name"))
    var buyerName: String?
    @Option(
        help: ArgumentHelp(
            "Buyer's credit code, legacy tax ID, or an individual's resident ID; required on special invoices only.",
            valueName: "id"
        )
    )
    var buyerTaxId: String?
    @Option(help: ArgumentHelp("Net amount in yuan, e.g. 520.75.", valueName: "yuan"))
    var net: String?
    @Option(help: ArgumentHelp("Tax rate, e.g. 0.06 or 6%.", valueName: "rate"))
    var taxRate: String?
    @Option(help: ArgumentHelp("Tax amount in yuan as printed.", valueName: "yuan"))
    var tax: String?
    @Option(help: ArgumentHelp("Gross amount (价税合计) in yuan as printed.", valueName: "yuan"))
    var gross: String?
    @Option(help: ArgumentHelp("ISO 4217 currency (default CNY).", valueName: "code"))
    var currency: String?
    @Option(help: ArgumentHelp("校验码, 20 digits.", valueName: "digits"))
    var checkCode: String?
    @Option(help: ArgumentHelp("A note (at most 200 characters).", valueName: "text"))
    var note: String?
    @Option(name: .customLong("operator"), help: ArgumentHelp("The clerk who typed the invoice.", valueName: "name"))
    var operatorName: String?

    /// The flags that were given, as input fields.
    var fields: [String: String] {
        let pairs: [(String, String?)] = [
            ("type", type), ("code", code), ("number", number), ("issueDate", issueDate),
            ("seller.name", sellerName), ("seller.taxID", sellerTaxId), ("buyer.name", buyerName),
            ("buyer.taxID", buyerTaxId), ("net", net), ("taxRate", taxRate), ("tax", tax), ("gross", gross),
            ("currency", currency), ("checkCode", checkCode), ("note", note), ("operator", operatorName),
        ]
        return Dictionary(uniqueKeysWithValues: pairs.compactMap { key, value in value.map { (key, $0) } })
    }
}

/// `--accept-bad-check-character` and `--override-reason`.
struct OverrideOptions: ParsableArguments {
    @Flag(help: "Accept a taxpayer ID whose only fault is its check character (audited; needs --override-reason).")
    var acceptBadCheckCharacter = false

    @Flag(help: "Accept a number outside the branch's series (`fapiao series`; audited; needs --override-reason).")
    var outsideSeries = false

    @Option(help: ArgumentHelp("Why the override is needed, recorded in the audit.", valueName: "text"))
    var overrideReason: String?
}

/// Reads one JSON invoice from a file or standard input.
func readInvoiceJSON(_ path: String) throws -> InvoiceInput {
    let data: Data
    if path == "-" {
        data = FileHandle.standardInput.readDataToEndOfFile()
    } else {
        guard let contents = FileManager.default.contents(atPath: path) else {
            throw InputFileError.notFound(path)
        }
        data = contents
    }
    guard data.count <= InvoiceFileReader.maximumRecordBytes else {
        throw ValidationFailure(issues: [
            ValidationIssue(
                field: "invoice",
                rule: "size",
                message: "must be at most 1 MiB of JSON, not \(data.count.grouped) bytes"
            )
        ])
    }
    do {
        return .fromJSON(try JSONValue.parse([UInt8](data)))
    } catch  where error.notUTF8 {
        throw ValidationFailure(issues: [
            ValidationIssue(
                field: "invoice",
                rule: "encoding",
                message: "is not UTF-8 text: byte \(error.offset + 1) is not a UTF-8 character (GBK or another "
                    + "encoding?); save the file as UTF-8; nothing was captured"
            )
        ])
    } catch {
        throw ValidationFailure(issues: [
            ValidationIssue(
                field: "invoice",
                rule: "json",
                message: "is not valid JSON (\(error)); nothing was captured"
            )
        ])
    }
}

extension InputFileError {
    static func notFound(_ path: String) -> InputFileError {
        InputFileError(code: .notFound, message: "The file \(path) does not exist or cannot be read; check the path.")
    }
}

struct Enqueue: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "enqueue",
        abstract: "Capture one invoice into the journal and queue it for the central system.",
        discussion: """
            Give the invoice as flags or as JSON (DESIGN §3 wire form: amounts as decimal strings), \
            or run `fapiao enqueue` alone on a terminal to be asked for it field by field: each answer \
            is checked by the same rules as it is typed, defaults are offered (today's date, the tax \
            and gross the rate gives), the whole invoice is shown and written only when you answer y. \
            Questions are in Chinese with --lang zh or a zh locale ($LC_ALL, $LC_MESSAGES, $LANG). \
            Ctrl-C, Ctrl-D or n at the end write nothing (exit 130). \
            Every rule the invoice breaks is reported at once, and nothing is written. When the id is \
            printed, the invoice is on disk and survives a crash or power loss, with the upload \
            deadline its profile sets. Full-width digits and letters (what a Chinese input method \
            types) in codes, numbers, tax IDs and amounts are made half-width; the typed text is kept \
            in the audit. While an outage is open (`fapiao outage start`), a capture past the \
            profile's offline hours, count or amounts is refused (exit 65) naming the limit and the \
            figures; from 80 % a warning is printed on standard error.

            Examples:
              fapiao enqueue --type digitalOrdinary --number 26110000000000000001 --date 2026-11-20 \\
                --seller-name 北京示例科技有限公司 --seller-tax-id 91350100M000100Y43 \\
                --buyer-name 北京客户有限公司 --buyer-tax-id 91110000802100433B \\
                --net 520.75 --tax-rate 0.06 --tax 31.25 --gross 552.00
              fapiao enqueue --json invoice.json
              fapiao enqueue                      # on a terminal: asks field by field
              fapiao enqueue --lang zh            # the questions in Chinese
              cat invoice.json | fapiao enqueue --json - --format json
            """
    )

    @OptionGroup var journalOptions: JournalOptions
    @OptionGroup var actorOptions: ActorOptions
    @Option(help: ArgumentHelp("Read the invoice as JSON from a file, or - for standard input.", valueName: "file"))
    var json: String?
    @OptionGroup var fields: InvoiceFieldOptions
    @OptionGroup var overrides: OverrideOptions
    @Option(help: ArgumentHelp("Output format.", valueName: "format"))
    var format: ReportFormat = .text
    @Flag(help: "Ask for the invoice field by field even when standard input or output is not a terminal.")
    var interactive = false
    @Option(
        help: ArgumentHelp(
            "Language of the questions, en or zh (default: zh when $LC_ALL, $LC_MESSAGES or $LANG starts with zh).",
            valueName: "lang"
        )
    )
    var lang: InterviewLanguage?

    func validate() throws {
        if json != nil, !fields.fields.isEmpty {
            throw ValidationError("Give the invoice either as --json or as field flags, not both.")
        }
        if interactive, json != nil || !fields.fields.isEmpty {
            throw ValidationError("--interactive asks for every field; give it without --json or field flags.")
        }
    }

    func run() throws {
        // Checked here, not in validate(): the parser names an unknown option only after validate()
        // passes, and "give the invoice" would hide the misspelt flag that was the only one given.
        let asks = asksFieldByField
        if json == nil, fields.fields.isEmpty, !asks {
            throw ValidationError(
                "Give the invoice as --json FILE (or - for standard input) or as field flags, or run "
                    + "fapiao enqueue on a terminal to be asked for each field; see --help."
            )
        }
        let ask: ((Journal, CaptureOptions) throws -> InvoiceInput)? =
            asks ? { journal, options in try askForInvoice(journal, options: options) } : nil
        try EnqueueCapture(
            journal: journalOptions.journal,
            actor: actorOptions.actor,
            json: json,
            fields: fields.fields,
            acceptBadCheckCharacter: overrides.acceptBadCheckCharacter,
            outsideSeries: overrides.outsideSeries,
            overrideReason: overrides.overrideReason,
            format: format,
            ask: ask
        )
        .run()
    }
}
