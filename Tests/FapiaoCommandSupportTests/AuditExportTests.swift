import FapiaoCommandSupport
import FapiaoCore
import FapiaoTesting
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `fapiao audit export` and `verify-export` below the command line: an export verifies as
/// written, and each kind of tampering is named by row.
@Suite struct AuditExportTests {
    let directory: TemporaryDirectory
    let key = AuditSigningKey()

    init() throws {
        directory = try TemporaryDirectory(prefix: "fapiao-audit-export")
    }

    /// A chain of `count` entries from sequence 1; entry 3 is 王芳's, with awkward details.
    static func chain(_ count: Int) -> [AuditEntry] {
        var entries: [AuditEntry] = []
        var previous = Digest.zeroHex
        for sequence in 1...Int64(count) {
            let entry = AuditEntry(
                sequence: sequence,
                wallTime: UTCTimestamp(millisecondsSinceEpoch: 1_795_000_000_000 + sequence * 60_000),
                node: "bj-01",
                actor: sequence == 3 ? "王芳" : "sync",
                event: sequence == 1 ? .initialized : (sequence.isMultiple(of: 2) ? .captured : .pushed),
                invoiceID: sequence == 1 ? nil : UUID(),
                operationID: sequence == 1 ? nil : UUID(),
                clock: sequence == 1 ? VectorClock() : VectorClock(["bj-01": UInt64(sequence)]),
                details: .object(["buyer": .string("北京客户有限公司, \"华北\"\n第二行"), "n": .integer(sequence)]),
                previousHash: previous
            )
            entries.append(entry)
            previous = entry.hash
        }
        return entries
    }

    func export(
        _ entries: [AuditEntry] = chain(8),
        filter: AuditFilter = AuditFilter(),
        format: AuditExportFormat = .csv
    ) -> AuditExport {
        AuditExport.make(
            entries: entries,
            filter: filter,
            chainHead: entries.last,
            node: "bj-01",
            created: UTCTimestamp(millisecondsSinceEpoch: 1_796_000_000_000),
            format: format,
            signingKey: key
        ).export
    }

    /// The problem `export` has, with `expected` as the key it must be signed with.
    func problem(_ export: AuditExport, expected: AuditPublicKey? = nil) throws -> String? {
        try export.verify(expecting: expected).problem?.message
    }

    /// `export` with its rows file's text passed through `edit`.
    func edited(_ export: AuditExport, _ edit: (String) -> String) throws -> AuditExport {
        var export = export
        let name = try #require(export.files.keys.first { $0 != AuditExportManifest.fileName })
        let text = String(decoding: try #require(export.files[name]), as: UTF8.self)
        export.files[name] = Array(edit(text).utf8)
        return export
    }

    /// The CSV's records (after the byte-order mark), CRLF-separated; no cell of `chain` holds CRLF.
    func records(_ text: String) -> [String] { text.components(separatedBy: "\r\n") }

    @Test(arguments: AuditExportFormat.allCases)
    func anExportWrittenAndReadBackVerifies(format: AuditExportFormat) throws {
        let path = directory.file("out")
        try export(format: format).write(to: path)
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: path).sorted() == [format.fileName, "manifest.json"]
        )
        let verification = try AuditExport.read(from: path).verify(expecting: key.publicKey)
        #expect(verification.problem == nil)
        #expect(verification.rowsChecked == 8)
        #expect(verification.manifest.chainHead?.sequence == 8)
        #expect(verification.manifest.publicKey == key.publicKey)
    }

    @Test(arguments: AuditExportFormat.allCases)
    func chineseAndQuotingSurviveAndEveryHashRecomputes(format: AuditExportFormat) throws {
        var entries = Self.chain(4)
        // A cell with a comma, a quote and a line break: the actor is not canonical JSON.
        entries[1] = AuditEntry(
            sequence: 2,
            wallTime: entries[1].wallTime,
            node: "bj-01",
            actor: "张伟, \"夜班\"\r\n收银台 2",
            event: .captured,
            details: .object(["seller": .string("北京示例科技有限公司")]),
            previousHash: entries[0].hash
        )
        let bytes = format.encode(entries.enumerated().map { AuditExportRow(row: $0.offset + 1, entry: $0.element) })
        let rows = try format.decode(bytes, name: format.fileName)
        #expect(rows.map(\.entry) == entries)
        #expect(rows.allSatisfy { $0.entry.computedHash == $0.entry.hash })
        #expect(rows[1].entry.actor == "张伟, \"夜班\"\r\n收银台 2")
        if format == .csv {
            #expect(bytes.starts(with: [0xEF, 0xBB, 0xBF]))
            let text = String(decoding: bytes.dropFirst(3), as: UTF8.self)
            #expect(text.hasPrefix(AuditExportRow.columns.joined(separator: ",") + "\r\n"))
            #expect(text.hasSuffix("\r\n"))
            #expect(text.contains("\"张伟, \"\"夜班\"\"\r\n收银台 2\""))
            #expect(text.contains("北京示例科技有限公司"))
        }
    }

    @Test func anEditedCellIsNamedByItsRow() throws {
        let export = try edited(export()) { text in
            var records = records(text)
            records[3] = records[3].replacingOccurrences(of: ",王芳,", with: ",李娜,")
            return records.joined(separator: "\r\n")
        }
        let message = try #require(try problem(export))
        #expect(message.contains("row 3 (sequence 3): its hash does not match its fields"), "\(message)")
    }

    @Test func anEditedHashCellIsNamedAsSuch() throws {
        let entries = Self.chain(8)
        let original = entries[4].hash
        let export = try edited(export(entries)) { text in
            var records = records(text)
            #expect(records[5].hasSuffix("," + original))
            records[5] = records[5].replacingOccurrences(of: original, with: String(original.reversed()))
            return records.joined(separator: "\r\n")
        }
        let message = try #require(try problem(export))
        #expect(
            message.contains("row 5 (sequence 5): its hash does not match its fields (column hash edited?)"),
            "\(message)"
        )
    }

    @Test func anEditedDetailsCellIsNamedAsSuch() throws {
        let export = try edited(export()) { text in
            var records = records(text)
            records[2] = records[2].replacingOccurrences(of: #"""n"":2}"#, with: #"""n"": 2}"#)
            return records.joined(separator: "\r\n")
        }
        let message = try #require(try problem(export))
        #expect(
            message.contains("row 2 (sequence 2): its hash does not match its fields (column details edited?)"),
            "\(message)"
        )
    }

    @Test(arguments: AuditExportFormat.allCases)
    func aRemovedRowIsNamed(format: AuditExportFormat) throws {
        let export = try edited(export(format: format)) { text in
            let separator = format == .csv ? "\r\n" : "\n"
            var records = text.components(separatedBy: separator)
            records.remove(at: format == .csv ? 5 : 4)  // row 5 (the CSV has a header)
            return records.joined(separator: separator)
        }
        let message = try #require(try problem(export))
        #expect(message.contains("row 5 is missing: sequence 4 is followed by 6"), "\(message)")
    }

    @Test func aRemovedRowOfAFilteredExportIsNamed() throws {
        let captured = Self.chain(12).filter { $0.event == .captured }
        let export = try edited(export(captured, filter: AuditFilter(event: .captured))) { text in
            var records = records(text)
            records.remove(at: 3)
            return records.joined(separator: "\r\n")
        }
        let message = try #require(try problem(export))
        #expect(message.contains("row 3 is missing: sequence 4 is followed by 8"), "\(message)")
    }

    @Test func theLastRowRemovedIsNamed() throws {
        let export = try edited(export()) { text in
            var records = records(text)
            records.remove(at: 8)
            return records.joined(separator: "\r\n")
        }
        let message = try #require(try problem(export))
        #expect(message.contains("row 8 is missing"), "\(message)")
    }

    @Test func aChangedManifestFailsOnItsSignature() throws {
        var export = export()
        let manifest = String(decoding: try #require(export.files["manifest.json"]), as: UTF8.self)
        #expect(manifest.contains("\"count\":8"))
        export.files["manifest.json"] = Array(
            manifest.replacingOccurrences(of: "\"count\":8", with: "\"count\":7").utf8
        )
        let message = try #require(try problem(export))
        #expect(message.contains("signature does not verify"), "\(message)")
    }

    @Test func anExportSignedAgainWithAnotherKeyFailsOnTheExpectedKey() throws {
        let other = AuditSigningKey()
        #expect(try problem(export(), expected: other.publicKey)?.contains("not by the expected key") == true)
        #expect(try problem(export(), expected: key.publicKey) == nil)
    }

    @Test func aChangedByteOutsideTheRowsFailsOnTheFileDigest() throws {
        // Quoting a cell that needs none changes the file, not a row's value.
        let export = try edited(export()) { $0.replacingOccurrences(of: ",sync,", with: ",\"sync\",") }
        let message = try #require(try problem(export))
        #expect(message.contains("audit.csv is"), "\(message)")
    }

    @Test func aManifestThatIsNotOneIsRefusedAsData() throws {
        var export = export()
        export.files["manifest.json"] = Array("{\"format\":\"something-else\"}".utf8)
        #expect(throws: AuditExportProblem.self) { try export.verify() }
        do {
            _ = try export.verify()
        } catch {
            #expect(error.code == .notAnExport)
            #expect(ExitCodes.code(for: error) == 65)
        }
    }

    @Test func aMissingDirectoryOrManifestIsNotFound() throws {
        for path in [directory.file("none"), directory.path] {
            do {
                _ = try AuditExport.read(from: path)
                Issue.record("read \(path)")
            } catch {
                #expect(ExitCodes.code(for: error) == 66)
            }
        }
    }

    @Test func aNonEmptyDirectoryIsRefused() throws {
        let path = directory.file("full")
        try export().write(to: path)
        do {
            try export().write(to: path)
            Issue.record("wrote over an export")
        } catch {
            #expect(ExitCodes.code(for: error) == 73)
        }
    }

    @Test func theKeyFileIsMadeOwnerOnlyAndReadBack() throws {
        let path = directory.file("journal.sqlite.signing-key")
        let made = try SigningKeyFile.readOrCreate(path)
        #expect(made.created)
        var info = stat()
        #expect(stat(path, &info) == 0)
        #expect(info.st_mode & 0o777 == 0o600)
        let again = try SigningKeyFile.readOrCreate(path)
        #expect(!again.created)
        #expect(again.key.publicKey == made.key.publicKey)
        #expect(try SigningKeyFile.read(path).publicKey == made.key.publicKey)
    }

    @Test func aKeyFileReadableByOthersIsRefused() throws {
        let path = directory.file("open.signing-key")
        _ = try SigningKeyFile.readOrCreate(path)
        #expect(chmod(path, 0o644) == 0)
        do {
            _ = try SigningKeyFile.readOrCreate(path)
            Issue.record("used a key others may read")
        } catch {
            #expect(ExitCodes.code(for: error) == 77)
            #expect("\(error)".contains("readable by others"))
        }
    }

    @Test func aPublicKeyIsTakenAsHexOrFromAFile() throws {
        let path = directory.file("hq.pub")
        try (key.publicKey.hex + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        #expect(try SigningKeyFile.publicKey(key.publicKey.hex) == key.publicKey)
        #expect(try SigningKeyFile.publicKey(path) == key.publicKey)
        #expect(throws: AuditExportProblem.self) { try SigningKeyFile.publicKey("abcd") }
    }
}
