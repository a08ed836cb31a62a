-- Fapiao central store (PostgreSQL dialect), version 1: the same record as
-- 0001_create_central_store.sql (SQLite), with PostgreSQL's types.
-- Append-only: never edit a released migration; add the next `pg_*.sql` file instead.

-- Store-wide settings: the centre's node id.
CREATE TABLE central_setting (
    key   text PRIMARY KEY,
    value text NOT NULL
);

-- The current version of every invoice the centre holds.
CREATE TABLE central_invoice (
    id            uuid PRIMARY KEY,                    -- the branch-minted invoice UUID
    branch        text NOT NULL,                       -- the node that captured it
    seller_tax_id text NOT NULL,
    code          text NOT NULL DEFAULT '',
    number        text NOT NULL,
    clock         text NOT NULL,                       -- canonical JSON vector clock
    content       text NOT NULL,                       -- canonical JSON of the current version (text, not
                                                       -- jsonb: its bytes are what content_hash covers)
    content_hash  text NOT NULL,
    voided        boolean NOT NULL DEFAULT false,
    -- The centre's change order (pull cursor): the writing transaction's id × 2^20 + the
    -- operation's place in its batch. Readers only return changes of transactions older than
    -- every one still running in the database, so a cursor never passes a change that commits later.
    change_seq    bigint NOT NULL,
    changed_by    text NOT NULL,                       -- node whose operation made this version
    updated_at    text NOT NULL
);
CREATE UNIQUE INDEX central_invoice_number ON central_invoice (seller_tax_id, code, number);
CREATE INDEX central_invoice_changes ON central_invoice (branch, change_seq);

-- Every operation the centre applied, kept forever with its hash: the idempotency record.
CREATE TABLE central_operation (
    id          uuid PRIMARY KEY,                      -- op id
    invoice_id  uuid NOT NULL,
    kind        text NOT NULL,
    hash        text NOT NULL,
    clock       text NOT NULL,
    node        text NOT NULL,                         -- the branch (or the centre) that sent it
    change_seq  bigint NOT NULL,
    applied_at  text NOT NULL
);
