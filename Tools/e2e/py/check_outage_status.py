#!/usr/bin/env python3
"""Check a branch's status after PostgreSQL stopped in the middle of its sync (postgres.sh part 2).

STATUS is the text of `fapiao status --offline --format json` for a branch of 3,000
invoices. Nothing may be lost: all 3,000 in the journal, some (not all) accepted, the rest
pending or in doubt. Prints for postgres.sh's report() a "PASS<TAB>name<TAB>states" or
"FAIL<TAB>name<TAB>states" line, then an "INFO<TAB>…" line with the counts. The exit status
is 0 whatever the verdict.
"""

import argparse
import json
import sys


def main():
    parser = argparse.ArgumentParser(
        prog="check_outage_status.py",
        description="Check that no invoice was lost by a sync that PostgreSQL's stop interrupted.",
        epilog='example:\n  check_outage_status.py "$(fapiao status --journal J --offline --format json)" | report',
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("status", metavar="STATUS", help="the JSON printed by fapiao status --format json")
    parser.add_argument("--invoices", type=int, default=3000, help="invoices the branch captured (default: %(default)s)")
    args = parser.parse_args()
    total = args.invoices
    s = json.loads(args.status); st = s["states"]
    name = f"… nothing lost: {total:,} in the journal, some accepted, the rest pending or in doubt"
    ok = s["invoices"] == total and 0 < st["accepted"] < total and st["accepted"] + st["pending"] + st["inDoubt"] == total
    print(f"{'PASS' if ok else 'FAIL'}\t{name}\t{st}")
    print(f"INFO\tafter the outage: {st['accepted']} accepted, {st['pending']} pending, {st['inDoubt']} in doubt")
    return 0


if __name__ == "__main__":
    sys.exit(main())
