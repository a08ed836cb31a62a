import FapiaoCentralStore
import FapiaoCore
import Foundation
import PostgresNIO

extension PostgresCentralStore {
    /// Every invoice's number, type, issue date, state and branch (``CentralStore/numberUses()``).
    public func numberUses() async throws -> [NumberReport.Use] {
        try checkOpen()
        return try await read("list invoice numbers") { connection, logger in
            let rows = try await connection.run("SELECT id, content FROM central_invoice", logger: logger)
            var uses: [NumberReport.Use] = []
            for try await (id, content) in rows.decode((UUID, String).self) {
                uses.append(try StoredContent.numberUse(id: id.uuidText, content: content))
            }
            return uses
        }
    }
}
