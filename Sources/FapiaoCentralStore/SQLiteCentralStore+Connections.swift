import FapiaoSQLiteFiles
import GRDB
import Synchronization

extension SQLiteCentralStore {
    /// The SQLite connections a store holds.
    ///
    /// `serve`, and an opening that creates or upgrades the store, open a writer pool at once.
    /// The HQ tools and a branch syncing straight into the file open a read-only connection,
    /// and one read-write connection only at their first write: GRDB's pool makes a dummy write
    /// when it opens on a database whose WAL is empty (its issue 102), and the close folds it
    /// into the file, so a command that then refuses (an invoice that cannot be amended, a
    /// damaged row) would change the file's bytes.
    struct Connections: Sendable {
        /// The read-only connection, until the writer is open.
        var reader: DatabaseQueue?
        var writer: (any DatabaseWriter)?
        var closed = false
    }

    /// The read-only connection of an opening that may not write.
    static func openReader(path: String) throws -> DatabaseQueue {
        var configuration = Configuration()
        SQLiteStatementProfile.install(on: &configuration)
        configuration.label = "fapiao.central.reader"
        configuration.readonly = true
        configuration.busyMode = .timeout(10)
        return try DatabaseQueue(path: path, configuration: configuration)
    }

    /// The writer opened at a first write: one read-write connection, in WAL mode with
    /// `synchronous=FULL`, whose close folds the WAL into the file only once it has committed
    /// something (``GRDB/Database/setCheckpointOnClose(_:)``).
    static func openLateWriter(path: String) throws -> DatabaseQueue {
        var configuration = Configuration()
        SQLiteStatementProfile.install(on: &configuration)
        configuration.label = "fapiao.central"
        configuration.busyMode = .timeout(10)
        let connection = try DatabaseQueue(path: path, configuration: configuration)
        try connection.inDatabase { db in try db.setCheckpointOnClose(false) }
        try makeDurable(connection, path: path)
        return connection
    }

    /// The writer, opened on first use.
    func liveWriter() throws -> any DatabaseWriter {
        try connections.withLock { connections in
            guard !connections.closed else { throw Self.closedError(path) }
            if let writer = connections.writer { return writer }
            let writer = try Self.openLateWriter(path: path)
            connections.writer = writer
            return writer
        }
    }

    /// The connection reads go through: the writer's once it is open, so that a read sees this
    /// store's own writes at once.
    func liveReader() throws(CentralStoreError) -> any DatabaseReader {
        let current = connections.withLock { ($0.closed, $0.writer, $0.reader) }
        guard !current.0 else { throw Self.closedError(path) }
        if let writer = current.1 { return writer }
        if let reader = current.2 { return reader }
        throw Self.closedError(path)
    }

    static func closedError(_ path: String) -> CentralStoreError {
        CentralStoreError(.unavailable, "The central store \(path) is closed.")
    }

    /// Closes the reader, then the writer: the last connection to close folds the WAL into the
    /// file, and only a writer may (and, opened late, only after a commit of its own).
    func closeConnections() throws {
        let current = connections.withLock { connections -> Connections? in
            guard !connections.closed else { return nil }
            defer { connections = Connections(closed: true) }
            return connections
        }
        guard let current else { return }
        try current.reader?.close()
        try current.writer?.close()
    }
}
