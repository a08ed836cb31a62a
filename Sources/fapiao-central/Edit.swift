import ArgumentParser
import FapiaoCentralService
import FapiaoCentralStore
import FapiaoCore
import FapiaoRemote
import Foundation

/// `fapiao-central amend`: HQ changes an invoice in the store.
struct AmendInvoice: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "amend",
        abstract: "Amend an invoice at the centre (HQ); the branch receives it on its next sync.",
        discussion: """
            Each FIELD=VALUE replaces one field, by its wire name (buyer.name, note, net, tax, gross, …); \
            the whole invoice is validated again. The centre's clock entry ticks, so a branch that changed \
            the same invoice meanwhile gets a conflict. Works on the store directly; the service may be running.

            Examples:
              fapiao-central amend 0B7C3A4E-0000-4000-8000-000000000001 --store sqlite:central.sqlite buyer.name=北京客户股份有限公司
              fapiao-central amend 0B7C3A4E-0000-4000-8000-000000000001 --store sqlite:central.sqlite note="checked by HQ" --as 王芳
            """
    )

    @Argument(help: ArgumentHelp("The invoice id (a UUID).", valueName: "id"))
    var id: String

    @Argument(help: ArgumentHelp("The changes, as FIELD=VALUE.", valueName: "field=value"))
    var assignments: [String] = []

    @OptionGroup var storeOptions: StoreOptions
    @OptionGroup var actorOptions: ActorOptions

    @Option(help: ArgumentHelp("Output format.", valueName: "format"))
    var format: ReportFormat = .text

    func validate() throws {
        guard UUID(uuidText: id) != nil else { throw ValidationError("ID must be an invoice id (a UUID).") }
        guard !assignments.isEmpty else { throw ValidationError("Give at least one FIELD=VALUE to change.") }
        _ = try fields()
    }

    func fields() throws -> [String: String] {
        var fields: [String: String] = [:]
        for assignment in assignments {
            guard let equals = assignment.firstIndex(of: "="), equals != assignment.startIndex else {
                throw ValidationError("\"\(assignment)\" is not FIELD=VALUE, e.g. buyer.name=北京客户有限公司.")
            }
            let key = String(assignment[..<equals])
            guard fields[key] == nil else { throw ValidationError("\(key) is given twice.") }
            fields[key] = String(assignment[assignment.index(after: equals)...])
        }
        return fields
    }

    func run() async throws {
        try await reportingErrors {
            let store = try await storeOptions.open(create: false)
            let change = CentralEdit.Change.amend(try fields())
            try await applyEdit(
                change,
                to: id,
                store: store,
                actor: actorOptions.actor(default: store.node),
                format: format
            )
        }
    }
}

/// `fapiao-central void`: HQ voids an invoice in the store.
struct VoidInvoice: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "void",
        abstract: "Void (作废) an invoice at the centre (HQ); the branch receives it on its next sync.",
        discussion: """
            Examples:
              fapiao-central void 0B7C3A4E-0000-4000-8000-000000000001 --store sqlite:central.sqlite --reason "issued twice"
              fapiao-central void 0B7C3A4E-0000-4000-8000-000000000001 --store sqlite:central.sqlite --reason "buyer cancelled" --as 王芳
            """
    )

    @Argument(help: ArgumentHelp("The invoice id (a UUID).", valueName: "id"))
    var id: String

    @OptionGroup var storeOptions: StoreOptions

    @Option(help: ArgumentHelp("Why the invoice is voided (required, recorded in the void).", valueName: "text"))
    var reason: String

    @OptionGroup var actorOptions: ActorOptions

    @Option(help: ArgumentHelp("Output format.", valueName: "format"))
    var format: ReportFormat = .text

    func validate() throws {
        guard UUID(uuidText: id) != nil else { throw ValidationError("ID must be an invoice id (a UUID).") }
        guard !reason.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw ValidationError("--reason must say why the invoice is voided.")
        }
    }

    func run() async throws {
        try await reportingErrors {
            let store = try await storeOptions.open(create: false)
            try await applyEdit(
                .void(reason: reason),
                to: id,
                store: store,
                actor: actorOptions.actor(default: store.node),
                format: format
            )
        }
    }
}

/// Applies an HQ edit, closes the store and prints the new version.
private func applyEdit(
    _ change: CentralEdit.Change,
    to id: String,
    store: any CentralStore,
    actor: String,
    format: ReportFormat
) async throws {
    guard let invoiceID = UUID(uuidText: id) else { throw ValidationError("ID must be an invoice id (a UUID).") }
    let version: RemoteVersion
    do {
        version = try await store.edit(invoiceID, CentralEdit(change, actor: actor, at: CentralService.systemNow()))
    } catch {
        try? await store.close()
        throw error
    }
    try await store.close()
    switch format {
    case .json:
        emit(WireFormat.encode(version).text)
    case .text:
        let verb = if case .void = change { "voided" } else { "amended" }
        emit("\(verb) \(invoiceID.uuidText) (number \(version.invoice.number), clock \(version.clock))")
    }
}
