#!/usr/bin/env python3
"""Prints the commands of README.md's walk-through, one per line, for Tools/e2e/readme.sh.

The walk-through is the first ```sh block after the heading "## A walk through an outage";
continuation lines (ending in a backslash) are joined, comments and blank lines dropped. With
--invoice, prints instead the JSON of the "## The invoice" section (the walk-through's
invoice.json).
"""

import argparse
import sys

EPILOG = """example:
  readme_walkthrough.py README.md             # the commands, one per line
  readme_walkthrough.py README.md --invoice   # the invoice JSON
"""


def block(lines, heading, language):
    start = lines.index(heading)
    opening = next(i for i in range(start, len(lines)) if lines[i].strip() == "```" + language)
    closing = next(i for i in range(opening + 1, len(lines)) if lines[i].strip() == "```")
    return lines[opening + 1:closing]


def commands(lines):
    out, pending = [], ""
    for line in lines:
        if pending:
            line = pending + " " + line.strip()
            pending = ""
        elif not line.strip() or line.lstrip().startswith("#"):
            continue
        if line.rstrip().endswith("\\"):
            pending = line.rstrip()[:-1].rstrip()
            continue
        out.append(line.strip())
    return out


def main():
    parser = argparse.ArgumentParser(prog="readme_walkthrough.py", description=__doc__.splitlines()[0], epilog=EPILOG,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("readme", metavar="README")
    parser.add_argument("--invoice", action="store_true", help="print the invoice JSON instead")
    args = parser.parse_args()
    lines = open(args.readme, encoding="utf-8").read().splitlines()
    try:
        if args.invoice:
            print("\n".join(block(lines, "## The invoice", "json")))
        else:
            print("\n".join(commands(block(lines, "## A walk through an outage", "sh"))))
    except (ValueError, StopIteration):
        sys.exit("readme_walkthrough.py: the README has no such section or code block")


if __name__ == "__main__":
    main()
