#!/usr/bin/env python3
"""Turn Tools/gen JSONL into an sqlite3 script: the baseline of Tools/bench/run.

The script inserts one row per invoice into a plain `invoice` table with the same
columns, types, primary key and unique number index as the journal's `invoice` table
(Schema/journal/0001_create_journal.sql), and nothing else: no outbox operation, no
audit entry, no validation.  It is what "just put the rows in SQLite" costs.

  jsonl_to_sql.py --schema                         print the DDL (table, index, WAL)
  jsonl_to_sql.py FILE --mode transaction [--count N] [--out OUT]
                                                   BEGIN; INSERT ...; COMMIT;
  jsonl_to_sql.py FILE --mode autocommit  [--count N] [--out OUT]
                                                   one INSERT per transaction

Every script starts with PRAGMA synchronous=FULL (a per-connection setting; WAL mode
is stored in the database file by the --schema DDL).  Amounts become integer fen, the
tax rate basis points, `content` the JSON line as read and `content_hash` its SHA-256;
ids are random UUIDs.  Standard library only.
"""

import argparse
import hashlib
import json
import sys
import uuid
from datetime import datetime, timezone
from decimal import Decimal

SCHEMA = """\
PRAGMA journal_mode=WAL;
CREATE TABLE invoice (
    id            TEXT PRIMARY KEY NOT NULL,
    sync_state    TEXT NOT NULL DEFAULT 'pending',
    kind          TEXT NOT NULL,
    type          TEXT NOT NULL,
    code          TEXT NOT NULL DEFAULT '',
    number        TEXT NOT NULL,
    issue_date    TEXT NOT NULL,
    seller_tax_id TEXT NOT NULL,
    seller_name   TEXT NOT NULL,
    buyer_tax_id  TEXT NOT NULL,
    buyer_name    TEXT NOT NULL,
    currency      TEXT NOT NULL,
    net           INTEGER NOT NULL,
    tax           INTEGER NOT NULL,
    gross         INTEGER NOT NULL,
    tax_rate_bp   INTEGER NOT NULL,
    clock         TEXT NOT NULL,
    content       TEXT NOT NULL,
    content_hash  TEXT NOT NULL,
    captured_at   TEXT NOT NULL,
    updated_at    TEXT NOT NULL
) STRICT;
CREATE UNIQUE INDEX invoice_number ON invoice (number, seller_tax_id, code);
"""

COLUMNS = (
    "id, sync_state, kind, type, code, number, issue_date, seller_tax_id, seller_name, "
    "buyer_tax_id, buyer_name, currency, net, tax, gross, tax_rate_bp, clock, content, "
    "content_hash, captured_at, updated_at"
)


def quote(text):
    return "'" + text.replace("'", "''") + "'"


def fen(amount):
    return int((Decimal(amount) * 100).to_integral_exact())


def basis_points(rate):
    return int((Decimal(rate) * 10000).to_integral_exact())


def insert_statement(line, now):
    record = json.loads(line)
    seller = record.get("seller") or {}
    buyer = record.get("buyer") or {}
    values = [
        quote(str(uuid.uuid4()).upper()),
        quote("pending"),
        quote(record.get("kind", "normal")),
        quote(record["type"]),
        quote(record.get("code") or ""),
        quote(record["number"]),
        quote(record["issueDate"]),
        quote(seller["taxID"]),
        quote(seller["name"]),
        quote(buyer["taxID"]),
        quote(buyer["name"]),
        quote(record.get("currency", "CNY")),
        str(fen(record["net"])),
        str(fen(record["tax"])),
        str(fen(record["gross"])),
        str(basis_points(record["taxRate"])),
        quote('{"bench":1}'),
        quote(line),
        quote(hashlib.sha256(line.encode("utf-8")).hexdigest()),
        quote(now),
        quote(now),
    ]
    return f"INSERT INTO invoice ({COLUMNS}) VALUES ({', '.join(values)});\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("file", nargs="?", help="JSONL written by Tools/gen")
    parser.add_argument("--schema", action="store_true", help="print the DDL and exit")
    parser.add_argument("--mode", choices=["transaction", "autocommit"], default="transaction")
    parser.add_argument("--count", type=int, help="use only the first N records")
    parser.add_argument("--out", help="write here instead of standard output")
    args = parser.parse_args()

    out = open(args.out, "w", encoding="utf-8") if args.out else sys.stdout
    with out:
        if args.schema:
            out.write(SCHEMA)
            return 0
        if not args.file:
            parser.error("a JSONL file is required unless --schema")
        now = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
        out.write("PRAGMA synchronous=FULL;\n")
        if args.mode == "transaction":
            out.write("BEGIN;\n")
        written = 0
        with open(args.file, encoding="utf-8") as source:
            for raw in source:
                line = raw.rstrip("\r\n")
                if not line.strip():
                    continue
                if args.count is not None and written >= args.count:
                    break
                out.write(insert_statement(line, now))
                written += 1
        if args.mode == "transaction":
            out.write("COMMIT;\n")
    if args.count is not None and written < args.count:
        print(f"jsonl_to_sql.py: {args.file} has {written} records; --count asks for {args.count}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
