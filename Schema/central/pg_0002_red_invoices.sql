-- Fapiao central store (PostgreSQL), version 2: red invoices checked against their originals.

-- A red invoice's original, by number key (seller|code|number): the red invoices held against
-- one original, from every branch, are found by it.
ALTER TABLE central_invoice ADD COLUMN original_key text;
CREATE INDEX central_invoice_original ON central_invoice (original_key);
