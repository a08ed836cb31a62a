#!/usr/bin/env python3
"""Check that postgres.sh's renumbered invoices are at the centre under their new numbers.

Reads WORK/renumbered.tsv (NODE<TAB>lower-case invoice id<TAB>new number, written by
resolve_duplicates.py) and WORK/centre-2.csv (the centre's invoices after the resolutions
synced, as dumped by postgres.sh's dump_centre: id, branch, seller_tax_id, code, number, …).
Prints one line for postgres.sh's report(): "PASS<TAB>name<TAB>" or "FAIL<TAB>name<TAB>the
first three that differ". The exit status is 0 whatever the verdict.
"""

import argparse
import csv
import sys


def main():
    parser = argparse.ArgumentParser(
        prog="check_renumbered.py",
        description="Check each renumbered invoice is at the centre with its branch and new number.",
        epilog='example:\n  check_renumbered.py "$work" | report',
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("work", metavar="WORK", help="postgres.sh's work directory (renumbered.tsv, centre-2.csv)")
    args = parser.parse_args()
    work = args.work
    centre = {r[0]: (r[1], r[4]) for r in csv.reader(open(f"{work}/centre-2.csv", encoding="utf-8"))}
    wrong = [f"{iid}: {centre.get(iid)}" for node, iid, fresh in (l.rstrip("\n").split("\t") for l in open(f"{work}/renumbered.tsv"))
             if centre.get(iid) != (node, fresh)]
    print("PASS\t… the renumbered invoices are there under their new numbers and own branches\t" if not wrong else
          f"FAIL\t… the renumbered invoices are there under their new numbers and own branches\t{wrong[:3]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
