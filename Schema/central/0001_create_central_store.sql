-- Fapiao central store (SQLite dialect), version 1.
-- Append-only: never edit a released migration; add the next file instead.
-- The PostgreSQL store keeps its own files beside these, named `pg_*.sql`.

-- Store-wide settings: the centre's node id.
CREATE TABLE central_setting (
    key   TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
) STRICT;

-- The current version of every invoice the centre holds.
CREATE TABLE central_invoice (
    id            TEXT PRIMARY KEY NOT NULL,           -- the branch-minted invoice UUID
    branch        TEXT NOT NULL,                       -- the node that captured it
    seller_tax_id TEXT NOT NULL,
    code          TEXT NOT NULL DEFAULT '',
    number        TEXT NOT NULL,
    clock         TEXT NOT NULL,                       -- canonical JSON vector clock
    content       TEXT NOT NULL,                       -- canonical JSON of the current version
    content_hash  TEXT NOT NULL,
    voided        INTEGER NOT NULL DEFAULT 0,
    change_seq    INTEGER NOT NULL,                    -- the centre's change order (pull cursor)
    changed_by    TEXT NOT NULL,                       -- node whose operation made this version
    updated_at    TEXT NOT NULL
) STRICT;
CREATE UNIQUE INDEX central_invoice_number ON central_invoice (seller_tax_id, code, number);
CREATE INDEX central_invoice_changes ON central_invoice (branch, change_seq);

-- Every operation the centre applied, kept forever with its hash: the idempotency record.
CREATE TABLE central_operation (
    id          TEXT PRIMARY KEY NOT NULL,             -- op id
    invoice_id  TEXT NOT NULL,
    kind        TEXT NOT NULL,
    hash        TEXT NOT NULL,
    clock       TEXT NOT NULL,
    node        TEXT NOT NULL,                         -- the branch (or the centre) that sent it
    change_seq  INTEGER NOT NULL,
    applied_at  TEXT NOT NULL
) STRICT;
