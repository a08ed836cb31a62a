import FapiaoCentralService
import FapiaoCentralStore
import FapiaoCore
import FapiaoHTTP
import FapiaoJournal
import FapiaoRemote
import FapiaoSync
import Foundation
import Logging

/// The demo's central service: a SQLite store in the temporary directory, served on
/// 127.0.0.1 from this process, stopped and started as the story needs.
final class DemoCentre: @unchecked Sendable {
    let storePath: String
    private let store: SQLiteCentralStore
    /// One bearer token per branch node.
    private let tokens = [
        "bj-chaoyang-01": UUID().uuidText, "bj-xicheng-02": UUID().uuidText,
    ]
    private var running: RunningCentralService?
    private(set) var url: String = ""

    init(directory: String) throws {
        storePath = directory + "/central.sqlite"
        store = try SQLiteCentralStore(path: storePath)
        // A free port, left closed for now: HQ is down.
        url = "http://127.0.0.1:\(DemoCentre.freePort())"
    }

    static let silent = Logger(label: "fapiao.demo", factory: { _ in SwiftLogNoOpLogHandler() })

    static func freePort() -> Int {
        let socket = Foundation.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(socket, pointer, length)
                return getsockname(socket, pointer, &length)
            }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    func remote(for node: String = "bj-chaoyang-01") throws -> any RemoteAdapter {
        try HTTPRemote(
            baseURL: url,
            token: tokens[node] ?? "",
            timeouts: HTTPRemote.Timeouts(connect: .seconds(2), read: .seconds(10))
        )
    }

    func start(faults: [FaultPlan.Fault]) async throws {
        let plan = FaultPlan()
        plan.script(faults)
        let service = CentralService(
            store: store,
            tokens: TokenRegistry(tokens: tokens),
            faults: plan,
            logger: DemoCentre.silent
        )
        let port = Int(url.split(separator: ":").last ?? "0") ?? 0
        running = try await service.start(host: "127.0.0.1", port: port)
    }

    func invoiceCount() async throws -> Int64 { try await store.invoiceCount() }

    /// A change HQ makes at the centre, as `fapiao-central amend` would.
    func amend(_ invoiceID: UUID, _ fields: [String: String], actor: String) async throws -> RemoteVersion {
        try await store.edit(
            invoiceID,
            CentralEdit(.amend(fields), actor: actor, at: JournalEnvironment.system().now())
        )
    }

    /// The centre's current version of an invoice.
    func version(_ invoiceID: UUID) async throws -> RemoteVersion? {
        try await store.lookup([invoiceID]).found.first
    }

    func stop() async {
        await running?.stop()
        try? await store.close()
    }
}

/// Sample invoices for the demo, dated relative to today.
enum DemoInvoices {
    static func samples(today: CalendarDate) -> [InvoiceInput] {
        let seller = ["seller.name": "北京示例科技有限公司", "seller.taxID": "91350100M000100Y43"]
        func invoice(_ fields: [String: String]) -> InvoiceInput {
            InvoiceInput(fields: seller.merging(fields) { _, new in new })
        }
        return [
            invoice([
                "type": "digitalOrdinary", "number": "26110000000000000001",
                "issueDate": today.adding(days: -1).description,
                "buyer.name": "北京客户有限公司", "buyer.taxID": "91110000802100433B",
                "net": "520.75", "taxRate": "0.06", "tax": "31.25", "gross": "552.00",
            ]),
            invoice([
                "type": "digitalSpecial", "number": "26110000000000000002", "issueDate": today.description,
                "buyer.name": "上海客户股分有限公司", "buyer.taxID": "91350100M000100Y43",
                "net": "10000.00", "taxRate": "0.13", "tax": "1300.00", "gross": "11300.00",
            ]),
            invoice([
                "type": "special", "code": "1100201130", "number": "00012345", "issueDate": today.description,
                "buyer.name": "北京客户有限公司", "buyer.taxID": "91110000802100433B",
                "net": "880.00", "taxRate": "0.09", "tax": "79.20", "gross": "959.20",
            ]),
        ]
    }
}
