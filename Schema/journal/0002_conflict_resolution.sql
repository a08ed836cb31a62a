-- Fapiao branch journal, version 2: conflict resolution, pull and reconcile.

-- Where a conflict was found and which operation met it (NULL when a pull or a reconcile found it).
ALTER TABLE conflict ADD COLUMN source TEXT NOT NULL DEFAULT 'push';   -- push | pull | reconcile
ALTER TABLE conflict ADD COLUMN operation_id TEXT;
-- Who settled it: a person's name, or `resolver:<policy>` for an automatic resolution.
ALTER TABLE conflict ADD COLUMN resolved_by TEXT;

-- Open conflicts of one invoice: the outbox holds an invoice's later changes behind them.
CREATE INDEX conflict_invoice ON conflict (invoice_id, resolved_at);
