import FapiaoCommandSupport
import FapiaoTesting
import Foundation
import Testing

/// `token add --output`: a new secret file, 0600 whatever the umask, never over anything.
@Suite struct SecretFileCreateTests {
    private func failure(_ body: () throws -> Void) -> SecretFile.Failure? {
        do {
            try body()
            return nil
        } catch let failure as SecretFile.Failure {
            return failure
        } catch {
            return nil
        }
    }

    @Test func aNewFileIsPrivateAndHoldsTheSecretAndANewline() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("bj-01.token")
        let previous = umask(0)
        defer { umask(previous) }
        let file = try SecretFile.createNew(path, what: "Token file")
        try file.write("0123abcd")
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "0123abcd\n")
        #expect(try SecretFile.read(path, what: "Token file") == "0123abcd")
    }

    @Test func anExistingFileIsRefusedAndLeftAsItWas() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("taken")
        try "keep".write(toFile: path, atomically: true, encoding: .utf8)
        let refused = failure { _ = try SecretFile.createNew(path, what: "Token file") }
        #expect(refused?.kind == .exists)
        #expect(
            refused?.message == "Token file \(path) already exists; choose another path or move the file away first."
        )
        #expect(refused.map { ExitCodes.code(for: $0) } == ExitCodes.alreadyExists)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "keep")
    }

    @Test func aDanglingSymbolicLinkIsRefusedAndNothingIsMadeBehindIt() throws {
        let directory = try TemporaryDirectory()
        let target = directory.file("target")
        let link = directory.file("link")
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target)
        #expect(failure { _ = try SecretFile.createNew(link, what: "Token file") }?.kind == .exists)
        #expect(!FileManager.default.fileExists(atPath: target))
    }

    @Test func aMissingDirectoryIsNotFound() throws {
        let directory = try TemporaryDirectory()
        let refused = failure { _ = try SecretFile.createNew(directory.file("absent/x.token"), what: "Token file") }
        #expect(refused?.kind == .notFound)
        #expect(refused?.message.contains("directory does not exist") == true)
        #expect(refused.map { ExitCodes.code(for: $0) } == ExitCodes.notFound)
    }

    @Test func anAbandonedFileIsRemoved() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("abandoned")
        let file = try SecretFile.createNew(path, what: "Token file")
        file.abandon()
        #expect(!FileManager.default.fileExists(atPath: path))
    }
}
