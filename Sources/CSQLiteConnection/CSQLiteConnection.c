#include "CSQLiteConnection.h"

#include <sqlite3.h>

int fapiao_sqlite3_checkpoint_on_close(void *connection, int enabled) {
    return sqlite3_db_config((sqlite3 *)connection, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, enabled ? 0 : 1, (int *)0);
}
