#!/usr/bin/env python3
"""The peer of Fapiao's capture-and-sync in Tools/bench/run: persist-queue's SQLiteAckQueue.

The durable outbox a Python shop would pick instead: the same invoices (the JSON lines,
parsed before the clock starts) are put on an SQLiteAckQueue, then each is taken with get()
and acknowledged with ack(), as a sender would after delivering it. auto_commit=True, so
every put, get and ack is its own committed transaction; the queue's connection is set to
synchronous=FULL (persist-queue sets WAL and leaves synchronous at SQLite's default) and
the script checks both, so every step is on disk like Fapiao's.

  persist_queue_peer.py --input FILE.jsonl --count M --dir DIR

prints `name value` lines: peer_count, peer_put_seconds, peer_get_ack_seconds,
peer_seconds, peer_per_second, peer_journal_mode, peer_synchronous.
Needs persist-queue (pinned by Tools/bench/run through Tools/e2e/lib/python-with).
"""

import argparse
import json
import sys
import time

import persistqueue


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--input", required=True, help="JSONL file of invoices (Tools/gen)")
    parser.add_argument("--count", type=int, required=True, help="invoices to put, get and ack")
    parser.add_argument("--dir", required=True, help="directory of the queue (made if missing)")
    args = parser.parse_args()
    if args.count < 1:
        sys.exit("persist_queue_peer: --count must be at least 1")
    invoices = []
    with open(args.input, encoding="utf-8") as lines:
        for line in lines:
            if len(invoices) == args.count:
                break
            invoices.append(json.loads(line))
    if len(invoices) < args.count:
        sys.exit(f"persist_queue_peer: {args.input} holds {len(invoices)} invoices, fewer than {args.count}")

    queue = persistqueue.SQLiteAckQueue(args.dir, auto_commit=True, multithreading=False)
    connection = queue._putter  # the one connection when multithreading is off
    connection.execute("PRAGMA synchronous=FULL")
    journal_mode = connection.execute("PRAGMA journal_mode").fetchone()[0]
    synchronous = connection.execute("PRAGMA synchronous").fetchone()[0]
    if journal_mode.lower() != "wal" or synchronous != 2:
        sys.exit(f"persist_queue_peer: the queue is not WAL with synchronous=FULL ({journal_mode}, {synchronous})")

    started = time.monotonic()
    for invoice in invoices:
        queue.put(invoice)
    put_done = time.monotonic()
    taken = 0
    while taken < args.count:
        item = queue.get(block=False)
        queue.ack(item)
        taken += 1
    finished = time.monotonic()
    if queue.acked_count() != args.count or queue.size != 0:
        sys.exit(f"persist_queue_peer: acked {queue.acked_count()} of {args.count}, {queue.size} left")
    seconds = finished - started
    print(f"peer_count {args.count}")
    print(f"peer_put_seconds {put_done - started:.6f}")
    print(f"peer_get_ack_seconds {finished - put_done:.6f}")
    print(f"peer_seconds {seconds:.6f}")
    print(f"peer_per_second {args.count / seconds:.1f}")
    print(f"peer_journal_mode {journal_mode}")
    print(f"peer_synchronous {synchronous}")


if __name__ == "__main__":
    main()
