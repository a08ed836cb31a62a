import FapiaoCommandSupport
import FapiaoCore
import Foundation

/// How `audit export` and `audit verify-export` print their results.
enum AuditExportPresentation {
    static func publicKey(_ argument: String) throws -> AuditPublicKey {
        try SigningKeyFile.publicKey(argument)
    }

    static func range(_ manifest: AuditExportManifest) -> String {
        guard let first = manifest.first, let last = manifest.last else { return "no entries" }
        return first.sequence == last.sequence
            ? "sequence \(first.sequence)" : "sequences \(first.sequence)–\(last.sequence)"
    }

    static func summary(_ manifest: AuditExportManifest) -> CanonicalJSON {
        .object([
            "rows": .integer(manifest.rowCount),
            "first": manifest.first.map { .integer($0.sequence) } ?? .null,
            "last": manifest.last.map { .integer($0.sequence) } ?? .null,
            "chainHead": manifest.chainHead.map { .integer($0.sequence) } ?? .null,
            "files": .array(
                ([AuditExportManifest.fileName] + manifest.files.map(\.name)).sorted().map(CanonicalJSON.string)
            ),
            "publicKey": .string(manifest.publicKey.hex),
            "fingerprint": .string(manifest.publicKey.fingerprint),
        ])
    }

    static func printExported(_ manifest: AuditExportManifest, directory: String, output: ReportFormat) {
        switch output {
        case .json:
            guard case .object(var members) = summary(manifest) else { return }
            members["directory"] = .string(directory)
            emit(CanonicalJSON.object(members).text)
        case .text:
            emit(
                "exported \(Int(manifest.rowCount).grouped) audit entries (\(range(manifest))) to \(directory): "
                    + "\(manifest.rowsFile), \(AuditExportManifest.fileName); signed with key \(manifest.publicKey.fingerprint)"
            )
        }
    }

    static func printVerification(_ verification: AuditExportVerification, directory: String, output: ReportFormat) {
        let manifest = verification.manifest
        switch output {
        case .json:
            guard case .object(var members) = summary(manifest) else { return }
            members["directory"] = .string(directory)
            members["intact"] = .bool(verification.isIntact)
            members["rowsChecked"] = .integer(Int64(verification.rowsChecked))
            members["node"] = .string(manifest.node)
            members["problem"] = .optional(verification.problem?.message)
            emit(CanonicalJSON.object(members).text)
        case .text:
            guard verification.isIntact else { return }
            emit(
                "audit export intact: \(verification.rowsChecked.grouped) rows (\(range(manifest))) of node "
                    + "\(manifest.node), made \(manifest.created); signed with key \(manifest.publicKey.fingerprint) "
                    + "(compare it with the node's key at HQ)"
            )
        }
    }
}
