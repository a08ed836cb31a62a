#!/usr/bin/env python3
"""Edit an invoice saved by `fapiao show --format json`, in place, for `conflicts resolve --json`.

conflicts.sh writes the merged version of a same-field conflict (--note) and re-numbers an
invoice whose number another branch holds (--serial). The file is written back as compact
JSON with the Chinese text as is (ensure_ascii=False), without a final newline.
"""

import argparse
import json
import sys

EPILOG = """examples:
  edit_invoice.py merged.json --note "总部备注；分店备注"
  edit_invoice.py renumbered.json --serial 900001    (26110000000000000001 -> 26110000000000900001)
"""


def main():
    parser = argparse.ArgumentParser(
        prog="edit_invoice.py",
        description="Change the note and/or the number of an invoice in a JSON file, in place.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("path", metavar="FILE", help="the invoice (JSON object), rewritten in place")
    parser.add_argument("--note", metavar="TEXT", help="set the note to TEXT")
    parser.add_argument("--serial", metavar="DIGITS",
                        help="replace the last len(DIGITS) characters of the number with DIGITS")
    args = parser.parse_args()
    if args.note is None and args.serial is None:
        parser.error("nothing to change: give --note and/or --serial")
    if args.serial is not None and not args.serial:
        parser.error("--serial needs at least one digit")

    with open(args.path, encoding="utf-8") as source:
        invoice = json.load(source)
    if args.note is not None:
        invoice["note"] = args.note
    if args.serial is not None:
        invoice["number"] = invoice["number"][:-len(args.serial)] + args.serial
    with open(args.path, "w", encoding="utf-8") as out:
        json.dump(invoice, out, ensure_ascii=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
