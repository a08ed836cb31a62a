#!/usr/bin/env python3
"""Print the seconds between two bash $EPOCHREALTIME readings, to one decimal.

postgres.sh prints its timings with this (for information only, never checked).
"""

import argparse
import sys


def main():
    parser = argparse.ArgumentParser(
        prog="elapsed.py",
        description="Print END - START in seconds with one decimal.",
        epilog="example:\n  elapsed.py 1733212800.250000 1733212803.100000    -> 2.9",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("start", type=float, metavar="START", help="earlier time in seconds ($EPOCHREALTIME)")
    parser.add_argument("end", type=float, metavar="END", help="later time in seconds ($EPOCHREALTIME)")
    args = parser.parse_args()
    print(f"{args.end - args.start:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
