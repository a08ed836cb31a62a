#!/usr/bin/env python3
"""Check the centre and the four journals after postgres.sh's concurrent first sync (part 1).

Four branches of 5,000 invoices each, with 10 numbers of each branch planted in the next
one (Tools/gen --duplicates-of), synced at once through two fapiao-central instances. This
reads what the script saved in WORK:

  branches.tsv                NODE<TAB>JOURNAL<TAB>SYNC-EXIT-CODE, one line per branch
  NODE.labelled.jsonl         what Tools/gen --label wrote for the branch
  conflicts-NODE.json         fapiao conflicts list --format json of the branch
  CENTRE_CSV                  the centre's central_invoice rows (psql --csv: id, branch,
                              seller_tax_id, code, number, content_hash, clock, content)

and the journals themselves (read-only). It prints one line per check for postgres.sh's
report(): "PASS<TAB>name<TAB>", "FAIL<TAB>name<TAB>detail" or "INFO<TAB>text<TAB>". The
exit status is 0 whatever the verdicts; a crash (unreadable input) exits 1.
"""

import argparse
import csv
import json
import sqlite3
import sys
from collections import defaultdict


def out(verdict, name, detail=""):
    print(f"{verdict}\t{name}\t{detail}".replace("\n", " "))


def key_of(seller, code, number):
    return (seller, code or "", number)


def check(work, centre_csv):
    branches = [line.rstrip("\n").split("\t") for line in open(f"{work}/branches.tsv")]
    # What the generator wrote, and which keys several branches share.
    by_key = defaultdict(list)
    planted = 0
    for node, _, _ in branches:
        for line in open(f"{work}/{node}.labelled.jsonl", encoding="utf-8"):
            r = json.loads(line)
            planted += r.get("_planted") == "duplicate-number"
            by_key[key_of(r["seller"]["taxID"], r.get("code"), r["number"])].append(node)
    groups = {k: v for k, v in by_key.items() if len(v) > 1}
    pairs = [v for v in groups.values() if len(v) == 2 and v[1] == f"bj-0{int(v[0][-1]) + 1}"]
    if planted == 30 and len(groups) == 30 and len(pairs) == 30:
        out("PASS", "the generator planted 30 colliding pairs (10 of each branch's numbers in the next branch)")
    else:
        out("FAIL", "the generator planted 30 colliding pairs (10 of each branch's numbers in the next branch)",
            f"planted {planted}, groups {len(groups)}, pairs of neighbours {len(pairs)}")

    centre = {}
    centre_by_key = defaultdict(list)
    for row in csv.reader(open(centre_csv, encoding="utf-8")):
        cid, branch, seller, code, number, chash, clock, content = row
        centre[cid] = dict(branch=branch, hash=chash, clock=clock, content=content, key=(seller, code, number))
        centre_by_key[(seller, code, number)].append(cid)

    journals, conflicts = {}, {}
    for node, path, code in branches:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        journals[node] = {
            r[0]: dict(key=(r[1], r[2], r[3]), hash=r[4], clock=r[5], content=r[6], state=r[7])
            for r in db.execute("SELECT lower(id), seller_tax_id, code, number, content_hash, clock, content, sync_state FROM invoice")
        }
        conflicts[node] = json.load(open(f"{work}/conflicts-{node}.json", encoding="utf-8"))
    key_index = {node: {inv["key"]: iid for iid, inv in invs.items()} for node, invs in journals.items()}

    # Every open conflict is a duplicate number of a planted group.
    all_conflicts = [(node, c) for node in conflicts for c in conflicts[node]]
    bad = [(n, c["kind"], c.get("number")) for n, c in all_conflicts if c["kind"] != "duplicateNumber"]
    total = len(all_conflicts)
    if total == 30 and not bad:
        out("PASS", "30 open conflicts over the four branches, all duplicateNumber")
    else:
        out("FAIL", "30 open conflicts over the four branches, all duplicateNumber", f"{total} open; other kinds: {bad[:5]}")

    # Each colliding group: one holder at the centre, unchanged; every other branch has the conflict.
    problems, first_won = [], 0
    for key, members in groups.items():
        rows = centre_by_key.get(key, [])
        if len(rows) != 1:
            problems.append(f"{key}: {len(rows)} rows at the centre"); continue
        row = centre[rows[0]]
        holder = row["branch"]
        if holder not in members:
            problems.append(f"{key}: held by {holder}, not one of {members}"); continue
        mine = key_index[holder].get(key)
        local = journals[holder].get(mine)
        if mine != rows[0] or local is None or local["state"] != "accepted" or \
                (local["hash"], local["clock"], local["content"]) != (row["hash"], row["clock"], row["content"]):
            problems.append(f"{key}: the centre's row is not {holder}'s accepted invoice as captured"); continue
        if any(c["number"] == key[2] and c["kind"] == "duplicateNumber" for c in conflicts[holder]):
            problems.append(f"{key}: the holder {holder} has a conflict for it too")
        first_won += holder == members[0]
        for other in members:
            if other == holder: continue
            theirs = key_index[other].get(key)
            open_ones = [c for c in conflicts[other]
                         if c["kind"] == "duplicateNumber" and c["number"] == key[2] and c["invoiceID"].lower() == theirs]
            if len(open_ones) != 1:
                problems.append(f"{key}: {other} has {len(open_ones)} open duplicateNumber conflicts for it")
            if theirs in centre:
                problems.append(f"{key}: {other}'s invoice {theirs} is at the centre as well")
            if journals[other][theirs]["state"] != "conflict":
                problems.append(f"{key}: {other}'s invoice is {journals[other][theirs]['state']}, not conflict")
    name = "every colliding number: one branch's invoice at the centre, unchanged; the other branch has the open conflict"
    out("PASS" if not problems else "FAIL", name, "; ".join(problems[:3]))
    out("INFO", f"of the {len(groups)} collisions the earlier branch's invoice won {first_won}, the later branch's {len(groups) - first_won}")

    # Everything else each branch captured is at the centre exactly as in its journal.
    problems = []
    for node, invs in journals.items():
        for iid, inv in invs.items():
            if inv["state"] == "conflict": continue
            row = centre.get(iid)
            if inv["state"] != "accepted":
                problems.append(f"{node} {iid}: {inv['state']}")
            elif row is None or row["branch"] != node or (row["hash"], row["clock"], row["content"]) != (inv["hash"], inv["clock"], inv["content"]):
                problems.append(f"{node} {iid}: differs at the centre")
    out("PASS" if not problems else "FAIL", "every other invoice is accepted and held at the centre as captured (id, branch, clock, content)",
        f"{len(problems)} differ: {problems[:3]}")

    # Exit codes: 1 with conflicts to look at, 0 when all were accepted.
    wrong = [f"{node}: exit {code} with {len(conflicts[node])} conflicts" for node, _, code in branches
             if code != ("1" if conflicts[node] else "0")]
    out("PASS" if not wrong else "FAIL", "each sync exits 1 when it left conflicts, 0 when all were accepted", "; ".join(wrong))


def main():
    parser = argparse.ArgumentParser(
        prog="check_collisions.py",
        description="Check the centre and the journals after the concurrent first sync; print PASS/FAIL/INFO lines.",
        epilog="example:\n  check_collisions.py \"$work\" \"$work/centre-1.csv\" | report",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("work", metavar="WORK", help="postgres.sh's work directory (branches.tsv, *.labelled.jsonl, conflicts-*.json)")
    parser.add_argument("centre_csv", metavar="CENTRE_CSV", help="the centre's invoices as dumped by dump_centre")
    args = parser.parse_args()
    check(args.work, args.centre_csv)
    return 0


if __name__ == "__main__":
    sys.exit(main())
