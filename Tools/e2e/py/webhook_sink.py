#!/usr/bin/env python3
"""A webhook receiver for end-to-end tests: each POSTed body is appended, one line, to FILE.

Listens on 127.0.0.1 on the given port and answers 204; with --fail N it answers 500 to the
first N requests (to see a notifier retried). Runs until killed.
"""

import argparse
import http.server
import sys

EPILOG = """example:
  webhook_sink.py 8089 alerts.jsonl --fail 1 &
  fapiao-central serve … --notify http://127.0.0.1:8089/hook
"""


def main():
    parser = argparse.ArgumentParser(prog="webhook_sink.py", description=__doc__.splitlines()[0], epilog=EPILOG,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("port", type=int)
    parser.add_argument("file", metavar="FILE")
    parser.add_argument("--fail", type=int, default=0, metavar="N", help="answer 500 to the first N requests")
    args = parser.parse_args()
    state = {"failures": args.fail}

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            if state["failures"] > 0:
                state["failures"] -= 1
                self.send_response(500)
                self.end_headers()
                return
            with open(args.file, "ab") as handle:
                handle.write(body.rstrip(b"\n") + b"\n")
            self.send_response(204)
            self.end_headers()

        def log_message(self, *_):
            pass

    http.server.ThreadingHTTPServer(("127.0.0.1", args.port), Handler).serve_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main())
