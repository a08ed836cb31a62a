-- Fapiao central store (PostgreSQL), version 4: one index entry fewer per pushed invoice.

-- Only red invoices name an original, and its lookup (`original_key = ANY(...)`, a strict
-- operator the planner knows implies NOT NULL) never asks for NULL: the other invoices need no
-- entry in its index.
DROP INDEX central_invoice_original;
CREATE INDEX central_invoice_original ON central_invoice (original_key) WHERE original_key IS NOT NULL;
