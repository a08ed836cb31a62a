#!/usr/bin/env python3
"""The timed part of Tools/bench/outage, and its report (standard library only).

  outage_driver.py run OPTIONS      reconnect the prepared branches, sync them, stop the
                                    centrals, check the journals; writes a JSON results file
  outage_driver.py report RESULTS --copy-seconds S
                                    print the figures of a results file against the COPY baseline

Called by Tools/bench/outage, which prepares the journals, the tokens, PostgreSQL and the
fapiao-central instances; see Tools/bench/README.md (e.). Not a test: it asserts nothing, but
it exits 1 when a journal is left with operations not accepted (the figures would mean little).
"""

import argparse
import collections
import csv
import json
import math
import os
import queue
import random
import resource
import signal
import sqlite3
import subprocess
import sys
import threading
import time

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
MAX_ATTEMPTS = 3


def proc_times(pid):
    """(utime + stime, cutime + cstime, ppid) of a process in seconds, or None when it is gone."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            text = stat.read()
    except (FileNotFoundError, ProcessLookupError):
        return None
    fields = text[text.rindex(")") + 2 :].split()  # fields[0] is the 3rd field, "state"
    own = (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
    children = (int(fields[13]) + int(fields[14])) / CLOCK_TICKS
    return own, children, int(fields[1])


def postgres_cpu(postmaster):
    """CPU seconds of the whole cluster: the postmaster, its live children (backends, checkpointer,
    WAL writer…) and those it has reaped (cutime/cstime)."""
    own, reaped, _ = proc_times(postmaster)
    total = own + reaped
    for name in os.listdir("/proc"):
        if name.isdigit():
            times = proc_times(int(name))
            if times and times[2] == postmaster:
                total += times[0]
    return total


class Psql:
    """One psql session on the benchmark database, a query per line (its own backend is left
    out of the connection counts)."""

    def __init__(self, database):
        env = os.environ
        self.process = subprocess.Popen(
            [f"{env['FAPIAO_PG_BIN']}/psql", "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1",
             "-p", env["FAPIAO_PG_PORT"], "-U", "fapiao", "-d", database],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1)
        self.lock = threading.Lock()

    def row(self, sql):
        with self.lock:
            self.process.stdin.write(sql.strip().rstrip(";") + ";\n")
            self.process.stdin.flush()
            line = self.process.stdout.readline()
        if not line:
            raise RuntimeError(f"psql ended while answering: {sql}")
        return [int(value) for value in line.strip().split("|")]

    def connections(self):
        """(client connections to the database, of which active), not counting this one."""
        return self.row("""SELECT count(*), count(*) FILTER (WHERE state = 'active') FROM pg_stat_activity
                           WHERE datname = current_database() AND backend_type = 'client backend'
                           AND pid <> pg_backend_pid()""")

    def database_stats(self):
        names = ["xact_commit", "xact_rollback", "blks_read", "blks_hit", "tup_inserted", "tup_updated",
                 "tup_fetched"]
        values = self.row(f"SELECT {', '.join(names)} FROM pg_stat_database WHERE datname = current_database()")
        return dict(zip(names, values))

    def close(self):
        self.process.stdin.close()
        self.process.wait()


class Sampler(threading.Thread):
    """Samples the database's client connections every `interval` seconds until stopped."""

    def __init__(self, psql, interval):
        super().__init__(daemon=True)
        self.psql, self.interval = psql, interval
        self.stopped = threading.Event()
        self.peak = self.peak_active = self.samples = 0

    def run(self):
        while not self.stopped.is_set():
            total, active = self.psql.connections()
            self.peak = max(self.peak, total)
            self.peak_active = max(self.peak_active, active)
            self.samples += 1
            self.stopped.wait(self.interval)


def run(args):
    nodes = [line.strip() for line in open(args.nodes) if line.strip()]
    urls = args.urls.split(",")
    central_pids = [int(pid) for pid in args.central_pids.split(",")]
    rng = random.Random(args.seed)
    reconnect = [rng.uniform(0, args.window) for _ in nodes]  # seconds after the first instant
    order = sorted(range(len(nodes)), key=lambda k: reconnect[k])
    branches = [{"node": node, "central": k % len(urls), "reconnect": reconnect[k], "attempts": []}
                for k, node in enumerate(nodes)]

    psql = Psql(args.database)
    sampler = Sampler(psql, args.sample_interval)
    stats_before = psql.database_stats()
    central_before = [proc_times(pid)[0] for pid in central_pids]
    postgres_before = postgres_cpu(args.postmaster_pid)
    events = queue.Queue()

    def wait_for(k, process, started):
        _, status, usage = os.wait4(process.pid, 0)
        ended = time.monotonic()
        process.returncode = os.waitstatus_to_exitcode(status)
        events.put((k, started, ended, process.returncode, usage))

    def start(k):
        branch = branches[k]
        directory = os.path.join(args.dir, branch["node"])
        attempt = len(branch["attempts"]) + 1
        command = [args.fapiao, "sync", "--journal", os.path.join(directory, "journal.sqlite"),
                   "--remote", urls[branch["central"]], "--token-file", os.path.join(directory, "token"),
                   "--batch", str(args.batch), "--format", "json", "--as", "bench"]
        with open(os.path.join(directory, f"sync-{attempt}.json"), "w") as out, \
                open(os.path.join(directory, f"sync-{attempt}.log"), "w") as err:
            started = time.monotonic()
            process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=out, stderr=err)
        threading.Thread(target=wait_for, args=(k, process, started), daemon=True).start()

    print(f"-- reconnecting {len(nodes)} branches within {args.window:g} s, at most {args.parallel} "
          f"syncs at a time, round-robin over {len(urls)} centrals --", flush=True)
    sampler.start()
    t0 = time.monotonic()
    usage_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    ready = collections.deque()
    next_up = done = running = peak_running = failed_attempts = 0
    next_progress = 5.0
    while done < len(nodes):
        now = time.monotonic() - t0
        while next_up < len(order) and reconnect[order[next_up]] <= now:
            ready.append(order[next_up])
            next_up += 1
        while running < args.parallel and ready:
            start(ready.popleft())
            running += 1
        peak_running = max(peak_running, running)
        if now >= next_progress:
            print(f"  {now:6.1f} s: {next_up} reconnected, {done} in sync, {running} syncing, "
                  f"{len(ready)} waiting for a slot", flush=True)
            next_progress += 5.0
        timeout = next_progress - now
        if next_up < len(order):
            timeout = min(timeout, reconnect[order[next_up]] - now)
        try:
            k, started, ended, code, usage = events.get(timeout=max(timeout, 0))
        except queue.Empty:
            continue
        running -= 1
        branch = branches[k]
        directory = os.path.join(args.dir, branch["node"])
        attempt = {"start": started - t0, "end": ended - t0, "exit": code,
                   "cpu": usage.ru_utime + usage.ru_stime, "maxrss_kb": usage.ru_maxrss}
        number = len(branch["attempts"]) + 1
        try:
            with open(os.path.join(directory, f"sync-{number}.json")) as out:
                summary = json.loads(out.read() or "null")
            attempt["accepted"] = summary.get("accepted") if isinstance(summary, dict) else None
        except ValueError:
            attempt["accepted"] = None
        if code != 0:
            with open(os.path.join(directory, f"sync-{number}.log"), errors="replace") as err:
                attempt["stderr"] = err.read()[-2000:]
            failed_attempts += 1
            last_line = (attempt["stderr"].strip().splitlines() or ["(no stderr)"])[-1]
            print(f"  {ended - t0:6.1f} s: {branch['node']}: fapiao sync exited {code} (run {number}): {last_line}",
                  flush=True)
        branch["attempts"].append(attempt)
        if code != 0 and number < MAX_ATTEMPTS:
            ready.append(k)  # as the branch's next cron run would: back in the queue
        else:
            done += 1
    finished = time.monotonic() - t0
    usage_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(f"  {finished:6.1f} s: all {len(nodes)} branches done", flush=True)

    central_after = [proc_times(pid)[0] for pid in central_pids]
    sampler.stopped.set()
    sampler.join()

    # Stop the centrals (SIGTERM: they close their pools), wait for their backends to end, so
    # that PostgreSQL's CPU and statistics include all of their work.
    for pid in central_pids:
        os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and (any(proc_times(pid) for pid in central_pids)
                                           or psql.connections()[0] > 0):
        time.sleep(0.1)
    time.sleep(1.0)  # backends flush their statistics as they exit; give the last a moment
    postgres_after = postgres_cpu(args.postmaster_pid)
    stats_after = psql.database_stats()
    psql.close()

    # Every journal: all its operations accepted.
    unaccepted = {}
    for branch in branches:
        path = os.path.join(args.dir, branch["node"], "journal.sqlite")
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as journal:
            left, total = journal.execute(
                "SELECT count(*) FILTER (WHERE status <> 'accepted'), count(*) FROM operation").fetchone()
        branch["operations"] = total
        if left:
            unaccepted[branch["node"]] = left

    results = {
        "branches": len(nodes), "invoices": args.invoices, "parallel": args.parallel, "centrals": len(urls),
        "window": args.window, "batch": args.batch, "seed": args.seed,
        "finished": finished, "peak_running": peak_running, "failed_attempts": failed_attempts,
        "branch_cpu": (usage_after.ru_utime + usage_after.ru_stime) - (usage_before.ru_utime + usage_before.ru_stime),
        "central_cpu": [after - before for before, after in zip(central_before, central_after)],
        "postgres_cpu": postgres_after - postgres_before,
        "peak_connections": sampler.peak, "peak_active_connections": sampler.peak_active,
        "connection_samples": sampler.samples, "sample_interval": args.sample_interval,
        "database": {name: stats_after[name] - stats_before[name] for name in stats_before},
        "unaccepted": unaccepted, "detail": branches,
    }
    with open(args.results, "w") as out:
        json.dump(results, out)
    if unaccepted:
        shown = ", ".join(f"{node}: {left}" for node, left in list(unaccepted.items())[:10])
        print(f"run: {len(unaccepted)} journals still hold operations not accepted ({shown})", file=sys.stderr)
        return 1
    return 0


def percentile(values, p):
    """Nearest rank: the smallest value with at least p % of the values at or below it."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def busy_seconds(intervals):
    """How long at least one of the (start, end) intervals was under way."""
    total, reach = 0.0, None
    for start, end in sorted(intervals):
        if reach is None or start > reach:
            total += end - start
            reach = end
        elif end > reach:
            total += end - reach
            reach = end
    return total


def grouped(value, digits=0):
    return f"{value:,.{digits}f}"


def report(args):
    results = json.load(open(args.results))
    branches = results["detail"]
    operations = sum(branch["operations"] for branch in branches)
    first_reconnect = min(branch["reconnect"] for branch in branches)
    ends = [branch["attempts"][-1]["end"] for branch in branches]
    all_in_sync = max(ends) - first_reconnect
    busy = busy_seconds([(attempt["start"], attempt["end"]) for branch in branches for attempt in branch["attempts"]])
    overall_rate = operations / all_in_sync
    centre_rate = operations / busy
    copy_rate = operations / args.copy_seconds
    waits = [(branch["attempts"][-1]["end"] - branch["reconnect"]) * 1000 for branch in branches]
    queued = [(branch["attempts"][0]["start"] - branch["reconnect"]) * 1000 for branch in branches]
    durations = [(attempt["end"] - attempt["start"]) * 1000 for branch in branches for attempt in branch["attempts"]]

    if args.csv:
        with open(args.csv, "w", newline="") as out:
            writer = csv.writer(out)
            writer.writerow(["branch", "central", "reconnect_ms", "sync_start_ms", "sync_end_ms", "wait_ms",
                             "sync_ms", "attempts", "exit", "accepted", "sync_cpu_ms", "sync_maxrss_kb"])
            for branch in branches:
                first, last = branch["attempts"][0], branch["attempts"][-1]
                writer.writerow([branch["node"], branch["central"] + 1, round(branch["reconnect"] * 1000, 1),
                                 round(first["start"] * 1000, 1), round(last["end"] * 1000, 1),
                                 round((last["end"] - branch["reconnect"]) * 1000, 1),
                                 round((last["end"] - last["start"]) * 1000, 1), len(branch["attempts"]),
                                 last["exit"], last["accepted"], round(last["cpu"] * 1000, 1), last["maxrss_kb"]])

    print()
    print(f"== e. the morning after: {results['branches']:,} branches × {results['invoices']:,} invoices "
          f"({operations:,} operations), {results['centrals']} centrals on one PostgreSQL ==")
    print(f"reconnects spread over {results['window']:g} s (seed {results['seed']}); at most "
          f"{results['parallel']} syncs at a time (peak {results['peak_running']}); batch {results['batch']}")
    rows = [
        ("first reconnect → last branch in sync", f"{all_in_sync:.1f} s", ""),
        ("  of which a sync was under way (busy)", f"{busy:.1f} s", ""),
        ("centre, operations/s over the busy time", grouped(centre_rate), f"{centre_rate / copy_rate:.3f} x COPY"),
        ("centre, operations/s, reconnect → in sync", grouped(overall_rate), f"{overall_rate / copy_rate:.3f} x COPY"),
        ("psql COPY of the same rows, 1 transaction", grouped(copy_rate),
         f"1 (baseline, {args.copy_seconds:.2f} s)"),
    ]
    for label, value, note in rows:
        print(f"{label:<44} {value:>10}   {note}")

    print()
    print("per branch, ms             min       p50       p90       p99       max")
    for label, values in (("wait (reconnect → in sync)", waits), ("queued for a slot", queued),
                          ("sync duration (per run)", durations)):
        cells = "".join(f"{percentile(values, p):>10,.0f}" for p in (0, 50, 90, 99, 100))
        print(f"{label:<26}{cells}")

    central_cpu = results["central_cpu"]
    runs = len(durations)

    def cpu_line(label, seconds, note):
        print(f"  {label:<26}{seconds:9.2f} s{seconds / operations * 1000:10.3f}{seconds / runs * 1000:11.2f}   {note}")

    print()
    print(f"{'CPU during the run':<28}{'seconds':>11}{'ms/op':>10}{'ms/sync':>11}   (for the 10,000-branch estimate)")
    for number, seconds in enumerate(central_cpu, 1):
        cpu_line(f"fapiao-central #{number}", seconds, "")
    cpu_line("fapiao-central, all", sum(central_cpu), f"{sum(central_cpu) / busy:.2f} cores over the busy time")
    cpu_line("PostgreSQL, all processes", results["postgres_cpu"], f"{results['postgres_cpu'] / busy:.2f} cores")
    cpu_line("fapiao sync, all branches", results["branch_cpu"], "on this machine too: they share its cores")
    database = results["database"]
    print()
    print(f"PostgreSQL: peak {results['peak_connections']} client connections "
          f"({results['peak_connections'] / results['centrals']:.1f} per central; peak active "
          f"{results['peak_active_connections']}; {results['connection_samples']} samples every "
          f"{results['sample_interval']:g} s)")
    print(f"  commits {database['xact_commit']:,} ({database['xact_commit'] / operations:.3f} per operation), "
          f"rollbacks {database['xact_rollback']:,}; rows inserted {database['tup_inserted']:,} "
          f"({database['tup_inserted'] / operations:.2f}/op), updated {database['tup_updated']:,}")
    print(f"  blocks hit {database['blks_hit']:,} ({database['blks_hit'] / operations:.1f}/op), "
          f"read {database['blks_read']:,}")
    failures = [(branch["node"], attempt) for branch in branches for attempt in branch["attempts"]
                if attempt["exit"] != 0]
    print()
    if failures:
        codes = collections.Counter(attempt["exit"] for _, attempt in failures)
        print(f"failed sync runs: {len(failures)} (exit codes: "
              f"{', '.join(f'{code} × {n}' for code, n in sorted(codes.items()))}); each was run again, "
              f"up to {MAX_ATTEMPTS} runs per branch. First ones:")
        for node, attempt in failures[:5]:
            print(f"  {node} exit {attempt['exit']}: {attempt.get('stderr', '').strip()[-400:]}")
    else:
        print("failed sync runs: none")
    return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    run_parser = commands.add_parser("run")
    run_parser.add_argument("--dir", required=True, help="directory of the branches, one subdirectory each")
    run_parser.add_argument("--nodes", required=True, help="file naming the branches, one a line")
    run_parser.add_argument("--invoices", type=int, required=True)
    run_parser.add_argument("--urls", required=True, help="the centrals' URLs, comma-separated")
    run_parser.add_argument("--central-pids", required=True, help="their process ids, comma-separated")
    run_parser.add_argument("--postmaster-pid", type=int, required=True)
    run_parser.add_argument("--database", required=True)
    run_parser.add_argument("--fapiao", required=True)
    run_parser.add_argument("--batch", type=int, required=True)
    run_parser.add_argument("--parallel", type=int, required=True)
    run_parser.add_argument("--window", type=float, required=True)
    run_parser.add_argument("--seed", type=int, required=True)
    run_parser.add_argument("--sample-interval", type=float, default=0.25)
    run_parser.add_argument("--results", required=True)
    report_parser = commands.add_parser("report")
    report_parser.add_argument("results")
    report_parser.add_argument("--copy-seconds", type=float, required=True)
    report_parser.add_argument("--csv", help="also write one line per branch to this CSV file")
    args = parser.parse_args()
    return run(args) if args.command == "run" else report(args)


if __name__ == "__main__":
    sys.exit(main())
