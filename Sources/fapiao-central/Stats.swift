import ArgumentParser
import FapiaoCentralStore
import FapiaoCore

/// `fapiao-central stats`: what the store holds.
struct Stats: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Show how many invoices the central store holds.",
        discussion: """
            Examples:
              fapiao-central stats --store sqlite:/srv/fapiao/central.sqlite
              fapiao-central stats --store sqlite:central.sqlite --format json
            """
    )

    @OptionGroup var storeOptions: StoreOptions

    @Option(help: ArgumentHelp("Output format.", valueName: "format"))
    var format: ReportFormat = .text

    func run() async throws {
        try await reportingErrors {
            let store = try await storeOptions.open(create: false)
            let count: Int64
            do {
                count = try await store.invoiceCount()
            } catch {
                try? await store.close()
                throw error
            }
            try await store.close()
            switch format {
            case .json:
                let report = CanonicalJSON.object([
                    "store": .string(try storeOptions.location().display), "node": .string(store.node),
                    "kind": .string(store.kind),
                    "invoices": .integer(count),
                ])
                emit(report.text)
            case .text:
                emit("store     \(try storeOptions.location().display)")
                emit("node      \(store.node)")
                emit("invoices  \(count)")
            }
        }
    }
}
