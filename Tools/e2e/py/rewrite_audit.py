#!/usr/bin/env python3
"""Rewrite a journal's audit history as a forger who knows fapiao's hashing would.

The actor of one audit entry is changed, and that entry's hash and every later entry's
previous hash and hash are recomputed (AuditEntry.computedHash, as Tools/reliability/parts/
tampering computes it), so `fapiao audit verify` on the journal alone still passes: only the
copy anchored at the centre can tell. The journal's append-only triggers are dropped for the
edit and put back after it.
"""

import argparse
import hashlib
import json
import sqlite3

EPILOG = """example:
  rewrite_audit.py branch/journal.sqlite --sequence 3 --actor mallory
"""


def canonical(value):
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def entry_hash(row):
    header = ('{"actor":' + canonical(row["actor"]) + ',"clock":' + row["clock"] + ',"event":'
              + canonical(row["event"]) + ',"invoiceID":' + canonical(row["invoice_id"]) + ',"node":'
              + canonical(row["node"]) + ',"operationID":' + canonical(row["op_id"]) + ',"sequence":'
              + str(row["seq"]) + ',"wallTime":' + canonical(row["wall_time"]) + "}")
    text = row["prev_hash"] + "\n" + header + "\n" + row["details"]
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def main():
    parser = argparse.ArgumentParser(
        prog="rewrite_audit.py",
        description="Change one audit entry's actor and recompute the chain from it.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("journal", metavar="FILE", help="the branch journal (SQLite), rewritten in place")
    parser.add_argument("--sequence", type=int, required=True, metavar="N", help="the entry to change")
    parser.add_argument("--actor", required=True, metavar="NAME", help="its new actor")
    args = parser.parse_args()

    db = sqlite3.connect(args.journal, isolation_level=None)
    db.row_factory = sqlite3.Row
    triggers = db.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'").fetchall()
    db.execute("BEGIN IMMEDIATE")
    for trigger in triggers:
        db.execute(f'DROP TRIGGER "{trigger["name"]}"')
    rows = [dict(r) for r in db.execute("SELECT * FROM audit_entry WHERE seq >= ? ORDER BY seq", (args.sequence - 1,))]
    previous = None
    for row in rows:
        if row["seq"] < args.sequence:
            previous = row["hash"]
            continue
        if row["seq"] == args.sequence:
            row["actor"] = args.actor
        if previous is not None:
            row["prev_hash"] = previous
        row["hash"] = entry_hash(row)
        db.execute("UPDATE audit_entry SET actor = ?, prev_hash = ?, hash = ? WHERE seq = ?",
                   (row["actor"], row["prev_hash"], row["hash"], row["seq"]))
        previous = row["hash"]
    for trigger in triggers:
        db.execute(trigger["sql"])
    db.execute("COMMIT")
    db.close()


if __name__ == "__main__":
    main()
