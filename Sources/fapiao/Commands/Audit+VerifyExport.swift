import ArgumentParser
import FapiaoCommandSupport
import FapiaoCore
import Foundation

extension Audit {
    struct VerifyExport: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "verify-export",
            abstract: "Check an audit export offline and name the first row that does not match.",
            discussion: """
                Needs no journal. Checks that the manifest's signature verifies with the key it names (and \
                that the key is --public-key's, when given; otherwise compare the fingerprint printed with \
                the one HQ holds); that every row's hash recomputes from its fields, the rows are numbered \
                without gaps and in increasing sequence, and consecutive entries link; that the row count \
                and the first and last entries are the manifest's; and that each file's size and SHA-256 \
                are the manifest's.

                Exits 0 when intact; 70 naming the first problem when not; 66 when DIR or its manifest is \
                missing; 65 when the manifest is not one of this format.

                Examples:
                  fapiao audit verify-export /media/usb/audit-2026-11
                  fapiao audit verify-export out --public-key bj-chaoyang-01.pub
                  fapiao audit verify-export out --public-key 9f1c…e2    (its 64 hex digits)
                  fapiao audit verify-export out --output json
                """
        )

        @Argument(help: ArgumentHelp("The export directory.", valueName: "dir"))
        var directory: String
        @Option(
            name: .customLong("public-key"),
            help: ArgumentHelp(
                "The key the export must be signed with: 64 hexadecimal digits, or a file holding them.",
                valueName: "hex|file"
            )
        )
        var publicKey: String?
        @Option(help: ArgumentHelp("The report: text or json.", valueName: "format"))
        var output: ReportFormat = .text

        func run() throws {
            let verification = try reportingErrors {
                let expected = try publicKey.map(AuditExportPresentation.publicKey(_:))
                return try AuditExport.read(from: directory).verify(expecting: expected)
            }
            AuditExportPresentation.printVerification(verification, directory: directory, output: output)
            if let problem = verification.problem {
                printError("Audit export \(directory) does not verify: \(problem.message)")
                throw ExitCode(ExitStatus.damaged)
            }
        }
    }
}
