#!/usr/bin/env python3
"""Copy a labelled JSONL file of Tools/gen --label without the labels, for `fapiao import`.

Tools/gen --label marks planted records ("_planted": "duplicate-number"); fapiao import
refuses unknown members, so postgres.sh imports a copy without them and keeps the labelled
file for its checks. Each line is re-serialised (ensure_ascii=False) and ends in "\\n".
"""

import argparse
import json
import sys


def main():
    parser = argparse.ArgumentParser(
        prog="strip_labels.py",
        description="Write SOURCE to DEST with the _planted member of every record removed.",
        epilog="example:\n  strip_labels.py bj-02.labelled.jsonl bj-02.jsonl",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("source", metavar="SOURCE", help="JSONL written by Tools/gen --label")
    parser.add_argument("dest", metavar="DEST", help="JSONL to write (replaced)")
    parser.add_argument("--label", default="_planted", help="member to remove (default: %(default)s)")
    args = parser.parse_args()
    with open(args.source, encoding="utf-8") as src, open(args.dest, "w", encoding="utf-8") as dst:
        for line in src:
            record = json.loads(line)
            record.pop(args.label, None)
            dst.write(json.dumps(record, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
