import FapiaoCore
import FapiaoJournal
import FapiaoTesting
import Foundation
import GRDB

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A journal path in its own temporary directory, with a manual clock and sequential ids.
struct JournalHarness {
    static let node = "bj-01"
    static let actor = "王小明"
    static let options = CaptureOptions(actor: actor, source: "cli")

    let directory: TemporaryDirectory
    let clock = ManualClock()
    let ids = SequentialIDSource()
    let path: String

    init(fileName: String = "journal.sqlite") throws {
        directory = try TemporaryDirectory()
        path = directory.file(fileName)
    }

    var environment: JournalEnvironment { .testing(clock: clock, ids: ids) }

    var settings: JournalSettings { JournalSettings(node: Self.node, operatorName: Self.actor) }

    func create(settings: JournalSettings? = nil) throws -> Journal {
        try Journal.create(at: path, settings: settings ?? self.settings, actor: Self.actor, environment: environment)
    }

    func open(connections: Journal.Connections = .pool) throws -> Journal {
        try Journal.open(at: path, environment: environment, connections: connections)
    }

    /// The fixture invoice with number `InvoiceFixtures.number(sequence)`, issued today.
    func input(_ sequence: Int = 1) -> InvoiceInput {
        InvoiceFixtures.validInput(clock: clock, number: InvoiceFixtures.number(sequence))
    }

    /// The paper fixture (普票, which the default profile lets a branch void in its month of issue), issued today.
    func paperInput(_ sequence: Int = 1) -> InvoiceInput {
        InvoiceFixtures.paperInput(issueDate: clock.shanghaiToday, sequence: sequence)
    }

    /// The bytes of the journal file, or of `path` when given.
    func bytes(_ path: String? = nil) -> Data? {
        FileManager.default.contents(atPath: path ?? self.path)
    }

    /// Changes the journal file behind fapiao's back, as someone with access to the file could.
    ///
    /// The journal must be closed first.
    func tamper(_ body: (Database) throws -> Void) throws {
        let queue = try DatabaseQueue(path: path)
        try queue.writeWithoutTransaction(body)
        try queue.close()
    }

    /// Runs `sql` on the journal file behind fapiao's back.
    func tamper(sql: String) throws {
        try tamper { db in try db.execute(sql: sql) }
    }
}

/// The permission bits of the file at `path`.
func permissions(_ path: String) -> Int? {
    var status = stat()
    guard stat(path, &status) == 0 else { return nil }
    return Int(status.st_mode) & 0o777
}

/// The error `body` throws as a ``JournalError``, or `nil` when it throws nothing or something else.
func journalError<T>(_ body: () throws -> T) -> JournalError? {
    do {
        _ = try body()
        return nil
    } catch {
        return error as? JournalError
    }
}

/// The error `body` throws as a ``ValidationFailure``, or `nil` when it throws nothing or something else.
func validationFailure<T>(_ body: () throws -> T) -> ValidationFailure? {
    do {
        _ = try body()
        return nil
    } catch {
        return error as? ValidationFailure
    }
}

extension JSONValue {
    /// The member named `key` when this is an object.
    subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return members.first { $0.key == key }?.value
    }
}

extension ValidationFailure {
    /// The failure's issues as "field rule" strings.
    var brokenRules: [String] { issues.map { "\($0.field) \($0.rule)" } }
}
