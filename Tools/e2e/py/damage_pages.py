#!/usr/bin/env python3
"""Damage an SQLite file in place: overwrite the start of every page but the first.

capture.sh uses it to make a journal that `fapiao list` must refuse with exit 70 and
leave byte-identical. The header page is kept, so the file still looks like SQLite.
"""

import argparse
import sys


def main():
    parser = argparse.ArgumentParser(
        prog="damage_pages.py",
        description="Overwrite BYTES bytes at the start of every page after the first with DEADBEEF.",
        epilog="example:\n  damage_pages.py /tmp/damaged.sqlite    (4096-byte pages, 64 bytes each)",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("path", metavar="FILE", help="SQLite file to damage (rewritten in place)")
    parser.add_argument("--page-size", type=int, default=4096, help="page size in bytes (default: %(default)s)")
    parser.add_argument("--bytes", type=int, default=64, help="bytes overwritten per page, a multiple of 4 "
                                                              "(default: %(default)s)")
    args = parser.parse_args()
    if args.page_size <= 0 or args.bytes <= 0 or args.bytes % 4:
        parser.error("--page-size must be positive and --bytes a positive multiple of 4")
    with open(args.path, "rb") as source:
        data = bytearray(source.read())
    for offset in range(args.page_size, len(data), args.page_size):   # every page but the header page
        data[offset:offset + args.bytes] = b"\xde\xad\xbe\xef" * (args.bytes // 4)
    with open(args.path, "wb") as out:
        out.write(data)
    return 0


if __name__ == "__main__":
    sys.exit(main())
