-- Fapiao branch journal, version 1.
-- Append-only: never edit a released migration; add the next file instead.

-- Journal-wide settings: node id, operator, remote URL, validation policy.
CREATE TABLE setting (
    key   TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
) STRICT;

-- The current version of every invoice the branch knows.
CREATE TABLE invoice (
    id            TEXT PRIMARY KEY NOT NULL,          -- UUID, minted at capture, never changes
    sync_state    TEXT NOT NULL DEFAULT 'pending',    -- pending | inFlight | inDoubt | accepted | conflict | quarantined
    state_reason  TEXT,                               -- why it is quarantined / in conflict
    voided        INTEGER NOT NULL DEFAULT 0,         -- 1 once voided
    kind          TEXT NOT NULL,
    type          TEXT NOT NULL,
    code          TEXT NOT NULL DEFAULT '',           -- '' when the type has no code
    number        TEXT NOT NULL,
    issue_date    TEXT NOT NULL,
    seller_tax_id TEXT NOT NULL,
    seller_name   TEXT NOT NULL,
    buyer_tax_id  TEXT NOT NULL,
    buyer_name    TEXT NOT NULL,
    currency      TEXT NOT NULL,
    net           INTEGER NOT NULL,                   -- minor units
    tax           INTEGER NOT NULL,
    gross         INTEGER NOT NULL,
    tax_rate_bp   INTEGER NOT NULL,                   -- basis points
    clock         TEXT NOT NULL,                      -- canonical JSON vector clock
    content       TEXT NOT NULL,                      -- canonical JSON of this version
    content_hash  TEXT NOT NULL,
    captured_at   TEXT NOT NULL,
    updated_at    TEXT NOT NULL
) STRICT;
CREATE UNIQUE INDEX invoice_number ON invoice (seller_tax_id, code, number);
CREATE INDEX invoice_state ON invoice (sync_state, captured_at);

-- The outbox: every change, in journal order, until the remote has answered for it.
CREATE TABLE operation (
    seq          INTEGER PRIMARY KEY,                 -- journal order
    id           TEXT NOT NULL UNIQUE,                -- op id, the idempotency key
    invoice_id   TEXT NOT NULL REFERENCES invoice (id),
    kind         TEXT NOT NULL,                       -- create | amend | void | resolve
    clock        TEXT NOT NULL,
    payload      TEXT NOT NULL,                       -- canonical JSON invoice version
    hash         TEXT NOT NULL,
    status       TEXT NOT NULL DEFAULT 'pending',     -- pending | inFlight | inDoubt | accepted | duplicate | stale | conflict | rejected | quarantined
    attempts     INTEGER NOT NULL DEFAULT 0,
    last_error   TEXT,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
) STRICT;
CREATE INDEX operation_status ON operation (status, seq);
CREATE INDEX operation_invoice ON operation (invoice_id, seq);

-- The hash chain. Rows are only ever appended.
CREATE TABLE audit_entry (
    seq          INTEGER PRIMARY KEY,
    wall_time    TEXT NOT NULL,
    node         TEXT NOT NULL,
    actor        TEXT NOT NULL,
    event        TEXT NOT NULL,
    invoice_id   TEXT,
    op_id        TEXT,
    clock        TEXT NOT NULL,
    details      TEXT NOT NULL,
    prev_hash    TEXT NOT NULL,
    hash         TEXT NOT NULL
) STRICT;
CREATE INDEX audit_entry_invoice ON audit_entry (invoice_id, seq);
CREATE TRIGGER audit_entry_no_update BEFORE UPDATE ON audit_entry
BEGIN SELECT RAISE(ABORT, 'audit entries are append-only: UPDATE refused'); END;
CREATE TRIGGER audit_entry_no_delete BEFORE DELETE ON audit_entry
BEGIN SELECT RAISE(ABORT, 'audit entries are append-only: DELETE refused'); END;

-- Conflicts between the branch's version and the remote's (filled by sync).
CREATE TABLE conflict (
    id              TEXT PRIMARY KEY NOT NULL,
    invoice_id      TEXT NOT NULL REFERENCES invoice (id),
    kind            TEXT NOT NULL,
    local_content   TEXT NOT NULL,
    local_clock     TEXT NOT NULL,
    remote_content  TEXT,
    remote_clock    TEXT,
    ancestor_content TEXT,
    ancestor_clock  TEXT,
    detected_at     TEXT NOT NULL,
    resolved_at     TEXT,
    resolution      TEXT                              -- canonical JSON: policy or person, reason, result
) STRICT;
CREATE INDEX conflict_open ON conflict (resolved_at, detected_at);

-- The sync lease: one row; a sync job must hold it to push.
CREATE TABLE sync_lease (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    owner       TEXT,
    expires_at  TEXT,
    epoch       INTEGER NOT NULL DEFAULT 0
) STRICT;
INSERT INTO sync_lease (id, epoch) VALUES (1, 0);
