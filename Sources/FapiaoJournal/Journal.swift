import FapiaoCore
import FapiaoFailpoints
import FapiaoSQLiteFiles
import Foundation
import GRDB
import Logging
import Schema
import Synchronization

/// A branch's durable journal: invoices, the outbox of operations, the audit chain.
///
/// Backed by an SQLite file through GRDB's `DatabasePool` in WAL mode with
/// `synchronous=FULL`: once a method that writes has returned, its change survives
/// `kill -9` and power loss. Every change is one transaction that writes the invoice
/// row, its operation and its audit entry together, or nothing.
///
/// A journal is opened read-only; the writer pool is opened only when there is something
/// valid to write. GRDB's `DatabasePool` makes a dummy write when it opens a database
/// without a WAL file (GRDB issue 102), so opening it for a refused invoice or for a
/// read-only command would change the file's bytes. A command that writes once and exits asks
/// for ``Connections/single``: one plain read-write connection, in place of both.
///
/// The database is the state and SQLite serialises writers, so the type is a `Sendable`
/// class rather than an actor; the lazily opened writer sits behind a `Mutex`.
public final class Journal: Sendable {
    /// The journal file's path.
    public let path: String
    /// The settings read when the journal was opened.
    public let settings: JournalSettings
    let environment: JournalEnvironment
    let reader: DatabaseQueue?
    /// The connection that writes: the pool, or with ``Connections/single`` one connection.
    let writer: Mutex<(any DatabaseWriter)?>
    let connections: Connections
    /// The journal file as this process last left it, known sound.
    ///
    /// Known sound: checked, or sealed and only changed by this process's commits since. A commit
    /// that starts from it, or from the state the seal names, renews the seal (``SQLiteFileSeal``);
    /// `nil` once something else has written the file meanwhile.
    let knownSound = Mutex<SQLiteFileSeal.Identity?>(nil)

    init(
        path: String,
        reader: DatabaseQueue?,
        writer: (any DatabaseWriter)?,
        settings: JournalSettings,
        environment: JournalEnvironment,
        connections: Connections = .pool
    ) {
        self.path = path
        self.reader = reader
        self.writer = Mutex(writer)
        self.connections = connections
        self.settings = settings
        self.environment = environment
    }

    deinit {
        closeFoldingWriteAheadLog()
    }

    /// Closes the connections as the journal's deinitializer does, for a process about to exit
    /// with the journal still referenced (sparing GRDB's deinitializers, which only unregister
    /// notification observers).
    ///
    /// The connections close with the journal, the reader first and the writer last (the order
    /// of the stored properties), and the writer, as the last connection, folds the WAL into the
    /// file: close them here in that order, so the seal is renewed after that change.
    public func closeFoldingWriteAheadLog() {
        guard isWriterOpen else { return }
        let before = identityBeforeOwnChange()
        try? reader?.close()
        try? writer.withLock { connection in try connection?.close() }
        renewSeal(after: before)
    }

    /// Creates a new journal at `path`; refuses to overwrite any existing file.
    ///
    /// - Parameters:
    ///   - path: where to create it; missing directories are created with mode 0700.
    ///   - settings: the node id, operator and policy.
    ///   - actor: who is creating it, for the first audit entry.
    ///   - environment: clock, ids and logger.
    /// - Returns: the open journal.
    /// - Throws: ``JournalError``.
    public static func create(
        at path: String,
        settings: JournalSettings,
        actor: String,
        environment: JournalEnvironment = .system()
    ) throws -> Journal {
        do {
            try NodeName.validate(settings.node)
        } catch {
            throw JournalError(code: .invalidSetting, message: error.message)
        }
        // Built under a temporary name beside `path` and put in place only when complete, so a
        // crash part-way (power lost, kill -9) leaves no half-made journal at `path` and init
        // can simply be run again.
        try JournalFile.refuseExisting(path)
        let building = JournalFile.buildingPath(for: path)
        JournalFile.remove(path: building)
        try JournalFile.createEmpty(path: building)
        do {
            let pool = try openPool(path: building)
            try pool.barrierWriteWithoutTransaction { db in
                try db.execute(sql: "PRAGMA application_id = \(JournalFile.applicationID)")
            }
            try migrate(pool)
            let journal = Journal(
                path: building,
                reader: nil,
                writer: pool,
                settings: settings,
                environment: environment
            )
            try journal.write(.create) { db in
                for (key, value) in settings.storedPairs {
                    try db.execute(sql: "INSERT INTO setting (key, value) VALUES (?, ?)", arguments: [key, value])
                }
                var audit = try AuditAppender(db: db)
                try audit.append(
                    db,
                    wallTime: environment.now(),
                    node: settings.node,
                    actor: actor,
                    event: .initialized,
                    details: .object([
                        "schemaVersion": .integer(Int64(JournalFile.schemaVersion)),
                        "rateTable": .string(settings.policy.rateTable.version),
                        "profile": .string(settings.baseProfile.name),
                        "profileVersion": .string(settings.baseProfile.version),
                        "simulatedClock": .bool(settings.simulatedClock),
                    ])
                )
            }
            // Fold the WAL into the main file so its header carries the application id
            // and schema version that `JournalFile.inspect` reads.
            try pool.writeWithoutTransaction { db in _ = try db.checkpoint(.truncate) }
            try journal.close()
            // The seal names the file under its building name; the first write at `path` checks it afresh.
            SQLiteFileSeal.remove(forDatabase: building)
            try JournalFile.publish(building, as: path)
        } catch {
            JournalFile.remove(path: building)
            throw mapped(error, path: path)
        }
        return try open(at: path, environment: environment)
    }

    /// Opens an existing journal, upgrading its schema if this build knows newer migrations.
    ///
    /// A file that is not a Fapiao journal, or was written by a newer version, is refused
    /// before SQLite opens it, and left unchanged.
    /// - Parameters:
    ///   - path: the journal file.
    ///   - environment: clock, ids and logger.
    ///   - connections: ``Connections/pool`` for a process that runs on, `single` for one that
    ///     writes once and exits.
    /// - Returns: the open journal.
    /// - Throws: ``JournalError``.
    public static func open(
        at path: String,
        environment: JournalEnvironment = .system(),
        connections: Connections = .pool
    ) throws -> Journal {
        let header = try JournalFile.inspect(path: path)
        if connections == .single, header.userVersion == JournalFile.schemaVersion {
            return try openWriting(at: path, environment: environment)
        }
        do {
            if !SQLiteFileSeal.holds(forDatabase: path) { try refuseIfDamaged(path: path, thorough: false) }
            var pool: DatabasePool?
            if header.userVersion < JournalFile.schemaVersion {
                try refuseIfDamaged(path: path, thorough: true)
                let upgrading = try openPool(path: path)
                try migrate(upgrading)
                pool = upgrading
            }
            let reader = try openReader(path: path)
            let settings = try JournalSettings(stored: reader.read(storedSettings))
            return Journal(
                path: path,
                reader: reader,
                writer: pool,
                settings: settings,
                environment: environment,
                connections: connections
            )
        } catch {
            throw mapped(error, path: path)
        }
    }

    /// Refuses a damaged journal before anything reads or writes it (see ``SQLiteFileCheck``).
    ///
    /// Every opening reads every page, and before the first write (`thorough`) every index is
    /// compared with its table too, since a unique index missing a row would let a duplicate
    /// number in. The callers spare both while the journal's seal holds (``SQLiteFileSeal``).
    static func refuseIfDamaged(path: String, thorough: Bool) throws {
        let finding = try SQLiteFileCheck.finding(
            path: path,
            depth: thorough ? .thorough : .quick,
            migrations: Schema.journal
        )
        if let finding {
            throw JournalError(
                code: .damaged,
                message:
                    "The journal \(path) is damaged (\(finding)); it was left as it is: restore it with `fapiao restore BACKUP`."
            )
        }
    }

    static func openPool(path: String) throws -> DatabasePool {
        var configuration = configuration(label: "fapiao.journal")
        configuration.maximumReaderCount = 4
        let pool = try DatabasePool(path: path, configuration: configuration)
        try makeDurable(pool)
        return pool
    }

    private static func migrate(_ pool: DatabasePool) throws {
        try JournalMigrations.migrator().migrate(pool)
        try pool.barrierWriteWithoutTransaction { db in
            try db.execute(sql: "PRAGMA user_version = \(JournalFile.schemaVersion)")
            // The header that `JournalFile.inspect` reads must show the new schema version at
            // once, so an older build refuses the file instead of reading it.
            _ = try db.checkpoint(.truncate)
        }
    }

    /// `PRAGMA synchronous` on the writer connection: 2 (FULL) on every open journal.
    public func writerSynchronousMode() throws -> Int {
        try writerConnection().barrierWriteWithoutTransaction { db in
            try Int.fetchOne(db, sql: "PRAGMA synchronous") ?? -1
        }
    }

    /// Folds the write-ahead log into the main file and empties it, so the file alone holds
    /// the journal (before it is moved aside by `fapiao restore`).
    func checkpointTruncating() throws {
        do {
            let connection = try writerConnection()
            let before = identityBeforeOwnChange()
            try connection.writeWithoutTransaction { db in _ = try db.checkpoint(.truncate) }
            renewSeal(after: before)
        } catch {
            throw Self.mapped(error, path: path)
        }
    }

    /// Whether the writer has been opened.
    var isWriterOpen: Bool { writer.withLock { $0 != nil } }

    /// The writer, opened on first use: the pool, or with ``Connections/single`` one connection.
    private func writerConnection() throws -> any DatabaseWriter {
        try writer.withLock { current in
            if let current { return current }
            let (opened, identity) = try Self.openWriter(path: path, connections: connections)
            current = opened
            knownSound.withLock { $0 = identity }
            return opened
        }
    }

    /// Runs `body` in one write transaction, mapping storage errors to ``JournalError``.
    ///
    /// `step` names the failpoints on either side of the commit (``Failpoint``), so the
    /// reliability harness can kill the process at every durable step.
    func write<T>(_ step: DurableStep, _ body: (Database) throws -> T) throws -> T {
        do {
            var before: SQLiteFileSeal.Identity?
            let result = try writerConnection().write { db in
                before = identityBeforeOwnChange()
                let result = try body(db)
                // Something of its own to fold in: the single connection's close may (see
                // `Database.setCheckpointOnClose`).
                if connections == .single { try db.setCheckpointOnClose(true) }
                Failpoint.pass(step.failpoint(.beforeCommit))
                return result
            }
            Failpoint.pass(step.failpoint(.afterCommit))
            renewSeal(after: before)
            return result
        } catch {
            throw Self.mapped(error, path: path)
        }
    }

    /// Runs `body` on a consistent read-only view, mapping storage errors to ``JournalError``.
    ///
    /// Uses the writer's connections once it is open, so a read sees this journal's own writes.
    func read<T>(_ body: (Database) throws -> T) throws -> T {
        do {
            if let connection = writer.withLock({ $0 }) { return try connection.read(body) }
            if let reader { return try reader.read(body) }
            return try writerConnection().read(body)
        } catch {
            throw Self.mapped(error, path: path)
        }
    }

    /// Closes the journal's connections.
    public func close() throws {
        let before = isWriterOpen ? identityBeforeOwnChange() : nil
        try writer.withLock { connection in try connection?.close() }
        try reader?.close()
        if before != nil { renewSeal(after: before) }
    }
}
