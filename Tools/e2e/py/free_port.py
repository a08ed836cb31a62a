#!/usr/bin/env python3
"""Print a TCP port on 127.0.0.1 that is free now, for a fapiao-central to listen on.

The port is picked by the kernel (bind to port 0) and released at once, so another
process could take it before the caller does; the end-to-end scripts accept that.
"""

import argparse
import socket
import sys


def main():
    parser = argparse.ArgumentParser(
        prog="free_port.py",
        description="Print a free TCP port on the loopback address (no arguments).",
        epilog="example:\n  port=$(python3 Tools/e2e/py/free_port.py)    -> 41237",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default: 127.0.0.1)")
    args = parser.parse_args()
    with socket.socket() as s:
        s.bind((args.host, 0))
        print(s.getsockname()[1])
    return 0


if __name__ == "__main__":
    sys.exit(main())
