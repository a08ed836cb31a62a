import FapiaoSQLiteFiles
import GRDB
import Synchronization

extension Journal {
    /// How many SQLite connections a journal keeps.
    public enum Connections: Sendable, Equatable {
        /// A read-only connection, and a writer pool (a writer and its readers) opened at the
        /// first write: for a process that runs on, reading while it writes (`fapiao sync`).
        case pool
        /// One plain read-write connection, opened at once (after the thorough check unless the
        /// seal holds), for every read and write: for a command that writes once and exits
        /// (`fapiao enqueue`). It spares the pool's set-up (GRDB's WAL check, which asks
        /// Foundation for the WAL file's size, and a reader connection of its own) and a second
        /// connection's parse of the whole schema. A plain connection writes nothing when it
        /// opens (the pool's dummy write is GRDB's own), so a refused invoice still leaves the
        /// file as it was. A journal of an older version opens as with ``pool``, to be upgraded.
        case single
    }

    /// The read-only connection every journal opens first.
    static func openReader(path: String) throws -> DatabaseQueue {
        var configuration = configuration(label: "fapiao.journal.reader")
        configuration.readonly = true
        return try DatabaseQueue(path: path, configuration: configuration)
    }

    /// What every journal connection shares: its label, the statement profile
    /// (`FAPIAO_SQL_PROFILE`), foreign keys and a 30-second wait for a lock.
    static func configuration(label: String) -> Configuration {
        var configuration = Configuration()
        configuration.label = label
        SQLiteStatementProfile.install(on: &configuration)
        configuration.foreignKeysEnabled = true
        configuration.busyMode = .timeout(30)
        return configuration
    }

    /// The writer of ``Connections/single``, configured as the pool's writer is: foreign keys,
    /// the busy timeout, WAL mode and `synchronous=FULL` (``makeDurable(_:)``).
    ///
    /// It is opened only to write, like the pool: reading through a read-write connection would
    /// let its closing fold the WAL into the file even when nothing was written.
    static func openSingle(path: String) throws -> DatabaseQueue {
        let connection = try DatabaseQueue(
            path: path,
            configuration: configuration(label: "fapiao.journal")
        )
        try ensureWAL(connection)
        try makeDurable(connection)
        // The fold waits for this connection's first commit (``write(_:_:)``): a refused invoice
        // must not fold in WAL pages another process left.
        try connection.inDatabase { db in try db.setCheckpointOnClose(false) }
        return connection
    }

    /// Puts the journal in WAL mode, as a pool's opening does: a no-op on a journal `fapiao init`
    /// or `fapiao restore` made, a change only for a file copied into place by hand.
    private static func ensureWAL(_ connection: DatabaseQueue) throws {
        try connection.barrierWriteWithoutTransaction { db in
            let mode = try String.fetchOne(db, sql: "PRAGMA journal_mode = WAL")
            guard mode?.lowercased() == "wal" else {
                throw JournalError(
                    code: .ioError,
                    message: "SQLite refused WAL mode on the journal (got \(mode ?? "?")); nothing was written."
                )
            }
        }
    }

    /// Sets the writer's `synchronous=FULL` and checks that it stuck (DESIGN §8): GRDB's WAL
    /// setup sets NORMAL on a pool's writer, and a connection opened otherwise has SQLite's default.
    static func makeDurable(_ writer: any DatabaseWriter) throws {
        try writer.barrierWriteWithoutTransaction { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
            // A bulk import writes hundreds of megabytes in one transaction; a larger page
            // cache keeps SQLite from spilling and re-reading pages mid-transaction.
            try db.execute(sql: "PRAGMA cache_size = -65536")
            let mode = try Int.fetchOne(db, sql: "PRAGMA synchronous")
            guard mode == 2 else {
                throw JournalError(
                    code: .ioError,
                    message: "SQLite refused synchronous=FULL on the journal (got \(mode ?? -1)); nothing was written."
                )
            }
        }
    }

    /// Opens the writer of the journal at `path`, after the thorough check unless the seal holds,
    /// and seals the file as the opening left it.
    ///
    /// - Returns: the writer, and the file's identity after the opening (known sound).
    static func openWriter(
        path: String,
        connections: Connections
    ) throws -> (any DatabaseWriter, SQLiteFileSeal.Identity?) {
        let sealed = SQLiteFileSeal.holds(forDatabase: path)
        if !sealed { try refuseIfDamaged(path: path, thorough: true) }
        let opened: any DatabaseWriter = connections == .single ? try openSingle(path: path) : try openPool(path: path)
        // Opening the writer may write (the pool's WAL setup, or WAL mode set again on a file
        // copied in without it): the identity to seal is the one after it.
        let identity = SQLiteFileSeal.identity(ofDatabase: path)
        if !sealed, let identity { SQLiteFileSeal.record(identity, forDatabase: path) }
        return (opened, identity)
    }

    /// ``open(at:environment:connections:)`` with ``Connections/single``: the one connection,
    /// opened as the writer at once, also reads the settings. (A second, read-only connection
    /// would parse the whole schema again, about 2 million instructions, for that one read.)
    static func openWriting(at path: String, environment: JournalEnvironment) throws -> Journal {
        do {
            let (writer, identity) = try openWriter(path: path, connections: .single)
            let settings = try JournalSettings(stored: writer.read(storedSettings))
            let journal = Journal(
                path: path,
                reader: nil,
                writer: writer,
                settings: settings,
                environment: environment,
                connections: .single
            )
            journal.knownSound.withLock { $0 = identity }
            return journal
        } catch {
            throw mapped(error, path: path)
        }
    }

    /// The `setting` table, as ``JournalSettings/init(stored:)`` reads it.
    static func storedSettings(_ db: Database) throws -> [String: String] {
        try Dictionary(
            uniqueKeysWithValues: Row.fetchAll(db, sql: "SELECT key, value FROM setting").map {
                (row: Row) -> (String, String) in (row["key"], row["value"])
            }
        )
    }
}
