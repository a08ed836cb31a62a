-- Fapiao branch journal, version 5: fewer index pages written per capture.
--
-- Every index an insert touches is one more page in the WAL before the commit's fsync. A
-- capture wrote 18 pages; these changes take 2 of them away (3 outside an outage).

-- One unique index for a number's lookups, the number first: it answers `number = ?` alone (a
-- profile whose numbers are unique without seller or code) as well as the whole key, so the
-- separate index on the number alone goes.
DROP INDEX invoice_number_alone;
DROP INDEX invoice_number;
CREATE UNIQUE INDEX invoice_number ON invoice (number, seller_tax_id, code);

-- Only red invoices name an original, and only captures inside an outage name one: the lookups
-- (`original_key = ?`, `outage_id = ?`) never ask for NULL, so NULLs need no index entry.
DROP INDEX invoice_original;
CREATE INDEX invoice_original ON invoice (original_key) WHERE original_key IS NOT NULL;
DROP INDEX invoice_outage;
CREATE INDEX invoice_outage ON invoice (outage_id) WHERE outage_id IS NOT NULL;
