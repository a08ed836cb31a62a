#!/usr/bin/env python3
"""Check that a log file holds one JSON object per line, as `--log-format json` writes them.

Every non-empty line must parse on its own as a JSON object with the keys `time` (ISO 8601
in UTC with milliseconds, `2026-12-04T21:42:40.125Z`), `level`, `label` and `message`, all
strings. With --message TEXT one of the lines must have that message, and each --field
KEY=VALUE must hold on that same line (metadata is flattened into the object).

Prints "N JSON log lines" on success. Exit status: 0 all lines good (and the message found);
1 a line that is not such an object, the message missing or a field different (the first
problem on standard error); 2 bad arguments.
"""

import argparse
import json
import re
import sys

TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")


def main():
    parser = argparse.ArgumentParser(
        prog="check_json_lines.py",
        description="Check a log file of one JSON object per line (--log-format json).",
        epilog="example:\n  check_json_lines.py central.log --message 'store open' --field kind=sqlite",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("file", help="the log file (standard error of the program)")
    parser.add_argument("--message", help="a message one line must have")
    parser.add_argument("--field", action="append", default=[], metavar="KEY=VALUE",
                        help="a key the --message line must hold with this value (repeatable)")
    args = parser.parse_args()
    fields = []
    for field in args.field:
        if "=" not in field:
            parser.error(f"--field must be KEY=VALUE, not {field!r}")
        fields.append(field.split("=", 1))

    with open(args.file, encoding="utf-8") as handle:
        lines = [line for line in handle.read().split("\n") if line.strip()]
    found = None
    for number, line in enumerate(lines, 1):
        try:
            record = json.loads(line)
        except ValueError as error:
            print(f"line {number} is not JSON ({error}): {line[:200]}", file=sys.stderr)
            return 1
        if not isinstance(record, dict):
            print(f"line {number} is not a JSON object: {line[:200]}", file=sys.stderr)
            return 1
        for key in ("time", "level", "label", "message"):
            if not isinstance(record.get(key), str):
                print(f"line {number} has no string {key!r}: {line[:200]}", file=sys.stderr)
                return 1
        if not TIME.match(record["time"]):
            print(f"line {number}: time {record['time']!r} is not ISO 8601 UTC with milliseconds", file=sys.stderr)
            return 1
        if args.message is not None and record["message"] == args.message and found is None:
            found = record
    if not lines:
        print("no log lines", file=sys.stderr)
        return 1
    if args.message is not None:
        if found is None:
            print(f"no line has the message {args.message!r}", file=sys.stderr)
            return 1
        for key, value in fields:
            if str(found.get(key)) != value:
                print(f"the {args.message!r} line has {key}={found.get(key)!r}, not {value!r}", file=sys.stderr)
                return 1
    print(f"{len(lines)} JSON log lines")
    return 0


if __name__ == "__main__":
    sys.exit(main())
