-- Fapiao central store (PostgreSQL), version 3: every branch's audit chain anchored at the
-- centre, chain breaks, and what HQ sees of each branch (see 0003_audit_anchor.sql).

CREATE TABLE central_branch (
    branch           text PRIMARY KEY,
    epoch            bigint NOT NULL DEFAULT 1,
    head_seq         bigint NOT NULL DEFAULT 0,
    head_hash        text NOT NULL DEFAULT '0000000000000000000000000000000000000000000000000000000000000000',
    last_push_at     text,
    last_anchor_at   text,
    report           text,
    rejected         bigint NOT NULL DEFAULT 0,
    last_rejection   text,
    last_rejected_at text
);

CREATE TABLE central_audit_entry (
    branch      text NOT NULL,
    epoch       bigint NOT NULL,
    seq         bigint NOT NULL,
    wall_time   text NOT NULL,
    node        text NOT NULL,
    actor       text NOT NULL,
    event       text NOT NULL,
    invoice_id  text,
    op_id       text,
    clock       text NOT NULL,
    details     text NOT NULL,
    prev_hash   text NOT NULL,
    hash        text NOT NULL,
    PRIMARY KEY (branch, epoch, seq)
);
CREATE INDEX central_audit_entry_invoice ON central_audit_entry (invoice_id);
CREATE FUNCTION central_audit_entry_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION 'anchored audit entries are append-only'; END $$;
CREATE TRIGGER central_audit_entry_append_only BEFORE UPDATE OR DELETE ON central_audit_entry
FOR EACH ROW EXECUTE FUNCTION central_audit_entry_append_only();

CREATE TABLE central_chain_break (
    id               bigserial PRIMARY KEY,
    branch           text NOT NULL,
    epoch            bigint NOT NULL,
    detected_at      text NOT NULL,
    anchored_seq     bigint NOT NULL,
    anchored_hash    text NOT NULL,
    branch_seq       bigint NOT NULL,
    branch_hash      text NOT NULL,
    reason           text NOT NULL,
    acknowledged_at  text,
    acknowledged_by  text,
    acknowledgement  text
);
CREATE INDEX central_chain_break_branch ON central_chain_break (branch, acknowledged_at);

CREATE TABLE central_report_history (
    branch       text NOT NULL,
    at           text NOT NULL,
    outbox_size  bigint NOT NULL,
    PRIMARY KEY (branch, at)
);

CREATE INDEX central_operation_invoice ON central_operation (invoice_id);

CREATE TABLE central_rejection (
    id          bigserial PRIMARY KEY,
    branch      text NOT NULL,
    op_id       text NOT NULL,
    invoice_id  text NOT NULL,
    reason      text NOT NULL,
    at          text NOT NULL
);
CREATE INDEX central_rejection_branch ON central_rejection (branch, id);
