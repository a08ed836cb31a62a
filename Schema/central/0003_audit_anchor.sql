-- Fapiao central store (SQLite dialect), version 3: every branch's audit chain anchored at the
-- centre, chain breaks, and what HQ sees of each branch (DESIGN §6, §7).

-- One row per branch the centre has heard from: its anchored chain head (in the current
-- epoch: one more after each acknowledged break), the last push and audit shipment, the last
-- report the branch sent of itself, and the rejections the centre answered it.
CREATE TABLE central_branch (
    branch           TEXT PRIMARY KEY NOT NULL,
    epoch            INTEGER NOT NULL DEFAULT 1,
    head_seq         INTEGER NOT NULL DEFAULT 0,
    head_hash        TEXT NOT NULL DEFAULT '0000000000000000000000000000000000000000000000000000000000000000',
    last_push_at     TEXT,
    last_anchor_at   TEXT,
    report           TEXT,                              -- canonical JSON of the branch's last report
    rejected         INTEGER NOT NULL DEFAULT 0,
    last_rejection   TEXT,
    last_rejected_at TEXT
) STRICT;

-- The branches' audit entries as they wrote them, append-only, per chain epoch.
CREATE TABLE central_audit_entry (
    branch      TEXT NOT NULL,
    epoch       INTEGER NOT NULL,
    seq         INTEGER NOT NULL,
    wall_time   TEXT NOT NULL,
    node        TEXT NOT NULL,
    actor       TEXT NOT NULL,
    event       TEXT NOT NULL,
    invoice_id  TEXT,
    op_id       TEXT,
    clock       TEXT NOT NULL,
    details     TEXT NOT NULL,
    prev_hash   TEXT NOT NULL,
    hash        TEXT NOT NULL,
    PRIMARY KEY (branch, epoch, seq)
) STRICT;
CREATE INDEX central_audit_entry_invoice ON central_audit_entry (invoice_id);
CREATE TRIGGER central_audit_entry_no_update BEFORE UPDATE ON central_audit_entry
BEGIN SELECT RAISE(ABORT, 'anchored audit entries are append-only'); END;
CREATE TRIGGER central_audit_entry_no_delete BEFORE DELETE ON central_audit_entry
BEGIN SELECT RAISE(ABORT, 'anchored audit entries are append-only'); END;

-- Chain breaks with both heads, and HQ's acknowledgement (who, when, why).
CREATE TABLE central_chain_break (
    id               INTEGER PRIMARY KEY,
    branch           TEXT NOT NULL,
    epoch            INTEGER NOT NULL,
    detected_at      TEXT NOT NULL,
    anchored_seq     INTEGER NOT NULL,
    anchored_hash    TEXT NOT NULL,
    branch_seq       INTEGER NOT NULL,
    branch_hash      TEXT NOT NULL,
    reason           TEXT NOT NULL,
    acknowledged_at  TEXT,
    acknowledged_by  TEXT,
    acknowledgement  TEXT
) STRICT;
CREATE INDEX central_chain_break_branch ON central_chain_break (branch, acknowledged_at);

-- The outbox size each branch reported over time (HQ's console charts it): a row when the size
-- changed or ten minutes after the last, so a branch syncing every minute adds few rows.
CREATE TABLE central_report_history (
    branch       TEXT NOT NULL,
    at           TEXT NOT NULL,
    outbox_size  INTEGER NOT NULL,
    PRIMARY KEY (branch, at)
) STRICT;

-- An invoice's operations, for its history in HQ's console.
CREATE INDEX central_operation_invoice ON central_operation (invoice_id);

-- Every rejection the centre answered a push with, and why.
CREATE TABLE central_rejection (
    id          INTEGER PRIMARY KEY,
    branch      TEXT NOT NULL,
    op_id       TEXT NOT NULL,
    invoice_id  TEXT NOT NULL,
    reason      TEXT NOT NULL,
    at          TEXT NOT NULL
) STRICT;
CREATE INDEX central_rejection_branch ON central_rejection (branch, id);
