import FapiaoCommandSupport
import FapiaoCore
import Foundation

/// How `audit export` and `audit verify-export` print their results.
enum AuditExportPresentation {
    static func publicKey(_ argument: String) throws -> AuditPublicKey {
        try SigningKeyFile.publicKey(argument)
    }

    static func printExported(_ manifest: AuditExportManifest, directory: String, output: ReportFormat) {
        switch output {
        case .json:
            emit(manifest.summaryJSON(directory: directory).text)
        case .text:
            emit(
                "exported \(Int(manifest.rowCount).grouped) audit entries (\(manifest.rangeText)) to \(directory): "
                    + "\(manifest.rowsFile), \(AuditExportManifest.fileName); signed with key \(manifest.publicKey.fingerprint)"
            )
        }
    }

    static func printVerification(_ verification: AuditExportVerification, directory: String, output: ReportFormat) {
        let manifest = verification.manifest
        switch output {
        case .json:
            emit(
                manifest.summaryJSON(
                    directory: directory,
                    [
                        "intact": .bool(verification.isIntact),
                        "rowsChecked": .integer(Int64(verification.rowsChecked)),
                        "node": .string(manifest.node),
                        "problem": .optional(verification.problem?.message),
                    ]
                ).text
            )
        case .text:
            guard verification.isIntact else { return }
            emit(
                "audit export intact: \(verification.rowsChecked.grouped) rows (\(manifest.rangeText)) of node "
                    + "\(manifest.node), made \(manifest.created); signed with key \(manifest.publicKey.fingerprint) "
                    + "(compare it with the node's key at HQ)"
            )
        }
    }
}
