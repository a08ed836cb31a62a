-- Fapiao branch journal, version 3: what a branch owes while offline (jurisdiction profiles).

-- Outages: the periods captures belong to (`fapiao outage start|end`, or sync when the remote
-- stays unreachable). At most one is open (ended_at NULL); the journal keeps that rule.
CREATE TABLE outage (
    id          INTEGER PRIMARY KEY,
    started_at  TEXT NOT NULL,
    ended_at    TEXT,
    mode        TEXT NOT NULL,                        -- the profile's mode name, or `outage`
    notice      TEXT,                                 -- the authority's announcement, if any
    opened_by   TEXT NOT NULL,                        -- a person, or `sync`
    closed_by   TEXT
) STRICT;
CREATE INDEX outage_open ON outage (ended_at);

-- The outage an invoice was captured in (NULL when none was open).
ALTER TABLE invoice ADD COLUMN outage_id INTEGER REFERENCES outage (id);
CREATE INDEX invoice_outage ON invoice (outage_id);

-- Tax periods closed with `fapiao period close MONTH`: their paper invoices can no longer be voided.
CREATE TABLE closed_period (
    month      TEXT PRIMARY KEY NOT NULL,             -- YYYY-MM
    closed_at  TEXT NOT NULL,
    closed_by  TEXT NOT NULL
) STRICT;

-- A red invoice's original: its number key (seller|code|number), and its id when this journal
-- holds it (the red invoice's operation waits in the outbox until that one is accepted).
ALTER TABLE invoice ADD COLUMN original_key TEXT;
ALTER TABLE invoice ADD COLUMN original_id TEXT;
CREATE INDEX invoice_original ON invoice (original_key);

-- Numbers alone: a profile may make a number unique without its seller or code (数电票).
CREATE INDEX invoice_number_alone ON invoice (number);

-- Number series assigned to the branch (`fapiao series add`): a capture's number must fall in
-- one of its type and code, unless the clerk overrides it (audited).
CREATE TABLE number_series (
    id        INTEGER PRIMARY KEY,
    type      TEXT NOT NULL,
    code      TEXT NOT NULL DEFAULT '',              -- '' for digital types
    first     TEXT NOT NULL,                         -- digits, the width of the type's numbers
    last      TEXT NOT NULL,
    added_at  TEXT NOT NULL,
    added_by  TEXT NOT NULL
) STRICT;

-- Why numbers of a series were skipped (`fapiao numbers explain`): they are not gaps.
CREATE TABLE number_explanation (
    id      INTEGER PRIMARY KEY,
    code    TEXT NOT NULL DEFAULT '',
    first   TEXT NOT NULL,
    last    TEXT NOT NULL,
    reason  TEXT NOT NULL,
    at      TEXT NOT NULL,
    by      TEXT NOT NULL
) STRICT;
