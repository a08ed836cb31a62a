#!/usr/bin/env python3
"""Resolve every duplicateNumber conflict of postgres.sh's four branches with a fresh number.

For each open conflict listed in WORK/conflicts-NODE.json (NODE and journal from
WORK/branches.tsv) it runs `fapiao show` on the invoice, gives it a number ending in a
serial above 900000 that no branch generated (WORK/NODE.labelled.jsonl) and the centre
does not hold (WORK/centre-1.csv), and runs `fapiao conflicts resolve --take merged --json`
as e2e-auditor. The edited invoices are left in WORK/renumbered-ID.json and what was done
in WORK/renumbered.tsv (NODE<TAB>lower-case invoice id<TAB>new number).

It prints one line for postgres.sh's report(): "PASS<TAB>name<TAB>" when all 30 were
resolved, else "FAIL<TAB>name<TAB>detail". The exit status is 0 whatever the verdict.
"""

import argparse
import csv
import json
import subprocess
import sys


def out(verdict, name, detail=""):
    print(f"{verdict}\t{name}\t{detail}".replace("\n", " "))


def resolve(work, fapiao):
    branches = [line.rstrip("\n").split("\t") for line in open(f"{work}/branches.tsv")]
    used = set()
    for node, _, _ in branches:
        for line in open(f"{work}/{node}.labelled.jsonl", encoding="utf-8"):
            used.add(json.loads(line)["number"])
    for row in csv.reader(open(f"{work}/centre-1.csv", encoding="utf-8")):
        used.add(row[4])
    serial, failures, done = 900000, [], []
    for node, journal, _ in branches:
        for c in json.load(open(f"{work}/conflicts-{node}.json", encoding="utf-8")):
            shown = subprocess.run([fapiao, "show", c["invoiceID"], "--journal", journal, "--format", "json"],
                                   capture_output=True, text=True)
            if shown.returncode != 0:
                failures.append(f"show {c['invoiceID']}: {shown.stderr.strip()}"); continue
            invoice = json.loads(shown.stdout)
            number = invoice["number"]
            while True:
                serial += 1
                fresh = number[:-6] + f"{serial:06d}"
                if fresh not in used: break
            used.add(fresh)
            invoice["number"] = fresh
            path = f"{work}/renumbered-{c['invoiceID']}.json"
            json.dump(invoice, open(path, "w", encoding="utf-8"), ensure_ascii=False)
            resolved = subprocess.run([fapiao, "conflicts", "resolve", c["id"], "--journal", journal, "--take", "merged",
                                       "--json", path, "--reason", f"re-issued as {fresh}: {number} belongs to another branch",
                                       "--as", "e2e-auditor"], capture_output=True, text=True)
            if resolved.returncode != 0:
                failures.append(f"resolve {c['id']} ({node}): exit {resolved.returncode}: {resolved.stderr.strip()}")
            else:
                done.append((node, c["invoiceID"].lower(), fresh))
    with open(f"{work}/renumbered.tsv", "w") as f:
        for node, iid, fresh in done:
            f.write(f"{node}\t{iid}\t{fresh}\n")
    out("PASS" if len(done) == 30 and not failures else "FAIL",
        "the 30 conflicts are resolved with fresh numbers (conflicts resolve --take merged --json)",
        f"{len(done)} resolved; {failures[:3]}")


def main():
    parser = argparse.ArgumentParser(
        prog="resolve_duplicates.py",
        description="Resolve every duplicateNumber conflict with a fresh number; print a PASS/FAIL line.",
        epilog="example:\n  resolve_duplicates.py \"$work\" .build/debug/fapiao | report",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("work", metavar="WORK",
                        help="postgres.sh's work directory (branches.tsv, *.labelled.jsonl, conflicts-*.json, centre-1.csv)")
    parser.add_argument("fapiao", metavar="FAPIAO", help="the fapiao binary")
    args = parser.parse_args()
    resolve(args.work, args.fapiao)
    return 0


if __name__ == "__main__":
    sys.exit(main())
