#!/usr/bin/env python3
"""Forward TCP connections from a loopback port to another and record what the client sent.

The end-to-end TLS checks put it between a branch and fapiao-central to see what crosses the
wire: every byte a client sends is appended to --record (connections one after another, no
framing). It runs until killed; it serves at most --max-connections connections and then exits.
"""

import argparse
import socket
import sys
import threading


def pump(source, target, record, lock):
    try:
        while True:
            data = source.recv(65536)
            if not data:
                break
            if record is not None:
                with lock:
                    record.write(data)
                    record.flush()
            target.sendall(data)
    except OSError:
        pass
    finally:
        for s in (source, target):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


def main():
    parser = argparse.ArgumentParser(
        prog="tcp_tap.py",
        description="Forward 127.0.0.1:LISTEN to 127.0.0.1:TARGET, appending what clients send to --record.",
        epilog="example:\n  python3 Tools/e2e/py/tcp_tap.py --listen 41001 --target 41000 --record sent.bin &",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--listen", type=int, required=True, help="port to accept connections on")
    parser.add_argument("--target", type=int, required=True, help="port to forward them to")
    parser.add_argument("--record", required=True, help="file that receives every byte clients send")
    parser.add_argument("--max-connections", type=int, default=100, help="stop after this many (default 100)")
    args = parser.parse_args()
    lock = threading.Lock()
    with open(args.record, "ab") as record, socket.socket() as server:
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        server.bind(("127.0.0.1", args.listen))
        server.listen(16)
        print("listening", flush=True)
        for _ in range(args.max_connections):
            client, _ = server.accept()
            upstream = socket.create_connection(("127.0.0.1", args.target), timeout=10)
            upstream.settimeout(None)
            threading.Thread(target=pump, args=(client, upstream, record, lock), daemon=True).start()
            threading.Thread(target=pump, args=(upstream, client, None, lock), daemon=True).start()
    return 0


if __name__ == "__main__":
    sys.exit(main())
