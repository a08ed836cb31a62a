#!/usr/bin/env python3
"""Write a valid invoice in the JSON wire form whose note is one huge string.

capture.sh feeds the file to `fapiao enqueue --json` to check that a 10 MB string field
is refused (exit 65) and leaves the journal as it was. Apart from the note the invoice is
valid: seller 北京示例科技有限公司 (91350100M000100Y43), net 520.75 + tax 31.25 = 552.00.
"""

import argparse
import json
import sys


def main():
    parser = argparse.ArgumentParser(
        prog="huge_invoice.py",
        description="Write an invoice whose note is NOTE_BYTES times 'x' to OUT.",
        epilog="example:\n  huge_invoice.py /tmp/huge.json 2026-12-03    (a 10 MiB note)",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("out", metavar="OUT", help="file to write (replaced)")
    parser.add_argument("issue_date", metavar="ISSUE_DATE", help="issueDate, YYYY-MM-DD (today in Asia/Shanghai)")
    parser.add_argument("--number", default="26110000000000000016", help="invoice number (default: %(default)s)")
    parser.add_argument("--note-bytes", type=int, default=10 * 1024 * 1024,
                        help="length of the note (default: %(default)s, 10 MiB)")
    args = parser.parse_args()
    doc = {"type": "digitalOrdinary", "number": args.number, "issueDate": args.issue_date,
           "seller": {"name": "北京示例科技有限公司", "taxID": "91350100M000100Y43"},
           "buyer": {"name": "北京客户有限公司", "taxID": "91110000802100433B"},
           "net": "520.75", "taxRate": "0.06", "tax": "31.25", "gross": "552.00", "note": "x" * args.note_bytes}
    with open(args.out, "w", encoding="utf-8") as out:
        out.write(json.dumps(doc))
    return 0


if __name__ == "__main__":
    sys.exit(main())
