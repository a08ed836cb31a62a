#!/usr/bin/env python3
"""Print fields of a JSON document (the --format json output of fapiao, a saved file).

The end-to-end scripts read single values out of `fapiao status --format json`,
`fapiao show --format json`, `fapiao conflicts list --format json` and the central
store's invoice content with this program. Values are printed as Python's print()
prints them (strings bare, numbers as digits, True/False, None), joined by --sep.

A FIELD is a dotted path: `states.pending`, `buyer.name`, `0.resolution.by` (a number
indexes a list). `PATH=DEFAULT` prints DEFAULT when the path is missing, so `note=None`
reads like dict.get("note") and `note=` gives an empty string; a missing path without a
default is an error (exit 1, nothing printed). Keys holding "." or "=" cannot be named.

With --expect TEXT nothing is printed: the exit status tells whether the output would
have been exactly TEXT, and a mismatch is described on standard error.

Exit status: 0 done (or as expected); 1 unreadable JSON, a missing field, or not as
expected; 2 bad arguments.
"""

import argparse
import json
import sys

EPILOG = """examples:
  fapiao status --format json | json_field.py states.pending          -> 1
  json_field.py --file show.json --sep / buyer.name note=             -> 北京客户/送货上门
  json_field.py --file show.json --has void                           -> True
  fapiao conflicts list --format json | json_field.py --length        -> 3
  json_field.py --file list.json --each kind --expect "duplicateNumber duplicateNumber"
"""

MISSING = object()


def lookup(document, path):
    """The value at a dotted path, or MISSING."""
    value = document
    for part in path.split(".") if path else []:
        if isinstance(value, dict) and part in value:
            value = value[part]
        elif isinstance(value, list) and part.lstrip("-").isdigit() and -len(value) <= int(part) < len(value):
            value = value[int(part)]
        else:
            return MISSING
    return value


def field(document, spec):
    """The value named by `PATH` or `PATH=DEFAULT`; raises LookupError when missing."""
    path, has_default, default = spec.partition("=")
    value = lookup(document, path)
    if value is MISSING:
        if has_default:
            return default
        raise LookupError(f"no {path!r} in the document")
    return value


def main():
    parser = argparse.ArgumentParser(
        prog="json_field.py",
        description="Print fields of a JSON document read from standard input or --file.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("fields", nargs="*", metavar="FIELD",
                        help="dotted path (a number indexes a list), optionally PATH=DEFAULT")
    parser.add_argument("--file", metavar="FILE", help="read the document from FILE (default: standard input)")
    parser.add_argument("--sep", default=" ", metavar="SEP", help="printed between values (default: one space)")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--length", action="store_true", help="print the number of items of the document")
    mode.add_argument("--has", metavar="KEY", help="print True when the document has KEY, else False")
    mode.add_argument("--each", metavar="FIELD", help="print FIELD of every item of the document (a list)")
    parser.add_argument("--expect", metavar="TEXT",
                        help="print nothing; exit 0 when the output would be exactly TEXT, else 1")
    args = parser.parse_args()
    if (args.length or args.has is not None or args.each is not None) == bool(args.fields):
        parser.error("give FIELDs, or one of --length, --has, --each")

    try:
        if args.file is None:
            document = json.load(sys.stdin)
        else:
            with open(args.file, encoding="utf-8") as source:
                document = json.load(source)
        if args.length:
            values = [len(document)]
        elif args.has is not None:
            values = [args.has in document]
        elif args.each is not None:
            values = [field(item, args.each) for item in document]
        else:
            values = [field(document, spec) for spec in args.fields]
    except (OSError, ValueError, LookupError, TypeError) as error:
        print(f"json_field.py: {error}", file=sys.stderr)
        return 1

    text = args.sep.join(str(value) for value in values)
    if args.expect is None:
        print(text)
        return 0
    if text == args.expect:
        return 0
    print(f"json_field.py: expected {args.expect!r}, got {text!r}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
