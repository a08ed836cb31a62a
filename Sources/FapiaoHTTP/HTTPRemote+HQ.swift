import AsyncHTTPClient
import FapiaoCore
import FapiaoRemote
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix

extension HTTPRemote {
    // MARK: More of the API

    /// The remote's current version of one invoice, or `nil` when it holds none (404).
    ///
    /// - Parameter id: the invoice id.
    /// - Returns: the version.
    /// - Throws: ``RemoteError``.
    public func invoice(_ id: UUID) async throws -> RemoteVersion? {
        let json = try await call(
            .GET,
            "/v1/invoices/\(id.uuidText)",
            body: nil,
            action: "look up the invoice",
            absentOn404: true
        )
        guard let json else { return nil }
        return try decode("the invoice") { () throws(WireError) in
            try WireFormat.version(from: json, context: "invoice")
        }
    }

    /// Amends an invoice at the centre (HQ's token only).
    ///
    /// - Parameters:
    ///   - id: the invoice id.
    ///   - fields: wire field names (`buyer.name`, `note`, …) and their new values.
    ///   - actor: who amends it; the token's node when `nil`.
    /// - Returns: the new version.
    /// - Throws: ``RemoteError``; `.forbidden` for a branch's token.
    public func amend(_ id: UUID, fields: [String: String], actor: String? = nil) async throws -> RemoteVersion {
        var body: [String: CanonicalJSON] = ["fields": .object(fields.mapValues(CanonicalJSON.string))]
        if let actor { body["actor"] = .string(actor) }
        let json = try await call(
            .POST,
            "/v1/invoices/\(id.uuidText)/amend",
            body: .object(body),
            action: "amend the invoice"
        )
        return try decode("the amend") { () throws(WireError) in try WireFormat.version(from: json, context: "invoice")
        }
    }

    /// Voids an invoice at the centre (HQ's token only).
    ///
    /// - Parameters:
    ///   - id: the invoice id.
    ///   - reason: why.
    ///   - actor: who voids it; the token's node when `nil`.
    /// - Returns: the voided version.
    /// - Throws: ``RemoteError``; `.forbidden` for a branch's token.
    public func void(_ id: UUID, reason: String, actor: String? = nil) async throws -> RemoteVersion {
        var body: [String: CanonicalJSON] = ["reason": .string(reason)]
        if let actor { body["actor"] = .string(actor) }
        let json = try await call(
            .POST,
            "/v1/invoices/\(id.uuidText)/void",
            body: .object(body),
            action: "void the invoice"
        )
        return try decode("the void") { () throws(WireError) in try WireFormat.version(from: json, context: "invoice") }
    }
}
