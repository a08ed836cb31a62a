#ifndef FAPIAO_CSQLITECONNECTION_H
#define FAPIAO_CSQLITECONNECTION_H

/// Turns off (`enabled` 0) or back on the checkpoint SQLite makes when the last connection to a
/// database in WAL mode closes: `sqlite3_db_config(SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE)`, which
/// Swift cannot call since `sqlite3_db_config` is variadic.
///
/// `connection` is a `sqlite3 *` (GRDB's `Database.sqliteConnection`). Returns SQLite's result
/// code: `SQLITE_OK` (0), or an error when the library does not know the option.
int fapiao_sqlite3_checkpoint_on_close(void *connection, int enabled);

#endif
