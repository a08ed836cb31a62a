import ArgumentParser
import FapiaoCentralService
import FapiaoCentralStore
import FapiaoCommandSupport
import FapiaoCore
import FapiaoRemote
import FapiaoTesting
import Foundation
import GRDB
import Testing

@testable import FapiaoJournal

/// One exit-code table for both executables: each documented code is reached by a real error
/// of the libraries, and the table itself has one code per category.
@Suite struct ExitCodesTests {
    let directory: TemporaryDirectory
    let clock = ManualClock()

    init() throws {
        directory = try TemporaryDirectory(prefix: "fapiao-exit-codes")
    }

    private func journal() throws -> Journal {
        try Journal.create(
            at: directory.file("journal.sqlite"),
            settings: JournalSettings(node: "bj-01"),
            actor: "王芳",
            environment: .testing(clock: clock)
        )
    }

    /// The error `body` throws.
    private func error(_ body: () throws -> Void) -> (any Error)? {
        do {
            try body()
            return nil
        } catch {
            return error
        }
    }

    @Test func usage64ForMalformedLocationsSettingsAndArguments() throws {
        #expect(ExitCodes.code(for: error { _ = try RemoteLocation("ftp://hq.example") }!) == 64)
        #expect(ExitCodes.code(for: error { _ = try RemoteLocation("http://u:p@hq.example") }!) == 64)
        let badNode = error {
            _ = try Journal.create(
                at: directory.file("bad.sqlite"),
                settings: JournalSettings(node: "Bad Node"),
                actor: "王芳"
            )
        }
        #expect(ExitCodes.code(for: badNode!) == 64)
        #expect(ExitCodes.code(for: ResolverPolicyError(message: "no such policy")) == 64)
        #expect(ExitCodes.code(for: ValidationError("--batch must be positive")) == 64)
    }

    @Test func invalidData65ForAnInvoiceThatBreaksARule() throws {
        var input = InvoiceFixtures.validInput(clock: clock)
        input.fields["gross"] = "1.00"
        let failure = error {
            _ = try InvoiceValidator.validate(
                input,
                context: CaptureContext(id: UUID(), capturedAt: clock.now, branch: "bj-01")
            )
        }
        #expect(failure is ValidationFailure)
        #expect(ExitCodes.code(for: failure!) == 65)
    }

    @Test func notFound66ForAMissingJournalOrSecretFile() throws {
        let missing = error { _ = try Journal.open(at: directory.file("none.sqlite")) }
        #expect(ExitCodes.code(for: missing!) == 66)
        let secret = error { _ = try SecretFile.read(directory.file("no-token"), what: "Token file") }
        #expect(ExitCodes.code(for: secret!) == 66)
    }

    @Test func unavailable69ForARemoteOrStoreThatCannotBeReached() {
        #expect(ExitCodes.code(for: RemoteError(.unreachable, "connection refused")) == 69)
        #expect(ExitCodes.code(for: RemoteError(.inDoubt, "reply lost")) == 69)
        #expect(ExitCodes.code(for: RemoteError(.busy, "503")) == 69)
        // The same in both executables: one table, so a store that cannot be reached is 69 everywhere.
        #expect(ExitCodes.code(for: CentralStoreError(.unreachable, "no server")) == 69)
        #expect(ExitCodes.code(for: CentralStoreError(.unavailable, "closed")) == 69)
    }

    @Test func damaged70ForBrokenHistoryAndUnforeseenFailures() {
        let tampered = AuditChainVerifier.Break(sequence: 3, kind: .contentChanged)
        #expect(ExitCodes.code(for: tampered) == 70)
        #expect(ExitCodes.code(for: CentralStoreError(.damaged, "damaged")) == 70)
        struct Unforeseen: Error {}
        #expect(ExitCodes.code(for: Unforeseen()) == 70)
    }

    @Test func alreadyExists73ForASecondInit() throws {
        _ = try journal()
        let second = error { _ = try journal() }
        #expect(ExitCodes.code(for: second!) == 73)
        #expect(ExitCodes.code(for: CentralServiceError(.nodeAlreadyHasToken, "has one")) == 73)
    }

    @Test func ioError74ForAFullDiskOrAFailingStore() {
        let full = Journal.mapped(DatabaseError(resultCode: .SQLITE_FULL), path: "/j")
        #expect(ExitCodes.code(for: full) == 74)
        // No room for the WAL's shared-memory file is a full disk too, and says so.
        let noShm = Journal.mapped(DatabaseError(resultCode: .SQLITE_IOERR_SHMSIZE), path: "/j")
        #expect((noShm as? JournalError)?.code == .storageFull)
        #expect("\(noShm)".contains("is full"))
        let failing = Journal.mapped(DatabaseError(resultCode: .SQLITE_IOERR_READ), path: "/j")
        #expect((failing as? JournalError)?.code == .ioError)
        #expect(ExitCodes.code(for: CentralStoreError(.ioError, "full")) == 74)
    }

    @Test func busy75ForALockedJournalNeverDamaged() {
        let busy = Journal.mapped(DatabaseError(resultCode: .SQLITE_BUSY), path: "/j")
        #expect((busy as? JournalError)?.code == .busy)
        #expect(ExitCodes.code(for: busy) == 75)
        #expect("\(busy)".contains("busy"))
        #expect(!"\(busy)".contains("damaged"))
        let locked = Journal.mapped(DatabaseError(resultCode: .SQLITE_LOCKED), path: "/j")
        #expect(ExitCodes.code(for: locked) == 75)
        #expect(ExitCodes.code(for: JournalError(code: .leaseHeld, message: "held")) == 75)
        #expect(ExitCodes.code(for: CentralStoreError(.busy, "busy")) == 75)
    }

    @Test func protocolViolation76ForAnswersThatCannotBeRead() {
        #expect(ExitCodes.code(for: WireError("response.outcomes is missing")) == 76)
        #expect(ExitCodes.code(for: RemoteError(.protocolViolation, "garbage")) == 76)
    }

    @Test func permission77ForRefusedCredentialsAndOpenSecretFiles() throws {
        let path = directory.file("token")
        try Data("secret".utf8).write(to: URL(fileURLWithPath: path))
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: path)
        let open = error { _ = try SecretFile.read(path, what: "Token file") }
        #expect(ExitCodes.code(for: open!) == 77)
        #expect(ExitCodes.code(for: RemoteError(.authenticationRefused, "401")) == 77)
        #expect(ExitCodes.code(for: RemoteError(.forbidden, "403")) == 77)
    }

    @Test func foreignFile78ForAFileThatIsNotAJournal() throws {
        let path = directory.file("notes.sqlite")
        let queue = try DatabaseQueue(path: path)
        try queue.write { try $0.execute(sql: "CREATE TABLE notes(text)") }
        try queue.close()
        let foreign = error { _ = try Journal.open(at: path) }
        #expect(ExitCodes.code(for: foreign!) == 78)
        #expect(ExitCodes.code(for: CentralStoreError(.notACentralStore, "not ours")) == 78)
    }

    @Test func chainBreak79ForARefusedPushAndABrokenChain() {
        #expect(ExitCodes.code(for: CentralStoreError(.chainBroken, "broken")) == 79)
        #expect(ExitCodes.code(for: RemoteError(.chainBreak, "broken")) == 79)
        #expect(ExitCodes.code(for: RemoteError(.unsupported, "no anchoring")) == 76)
    }

    @Test func theTableHasOneCodePerCategoryAndEveryCodeIsDocumented() {
        let categories = ExitCodes.table.map(\.category)
        #expect(Set(categories).count == categories.count)
        #expect(Set(ExitCodes.table.map(\.code)) == [64, 65, 66, 69, 70, 73, 74, 75, 76, 77, 78, 79, 130])
        for entry in ExitCodes.table {
            #expect(ExitCodes.code(for: entry.category) == entry.code)
        }
    }
}
