"""What every part of the reliability harness shares: its arguments, running the real
binaries with a timeout, telling a crash from a refusal, and the RESULT line the runner reads.

A part is an executable in Tools/reliability/parts/, run as

    PART --form short|long --seed N --bin DIR --work DIR

--bin holds `fapiao` and `fapiao-central`; --work is an empty directory the part may fill (the
runner removes it). Progress goes to stderr, starting with the seed; the last line on stdout is

    RESULT {"tried": N, "passed": N, "failed": N, "lost": N, "duplicated": N, "crashed": N,
            "seed": N, "detail": "…", "failures": ["…"]}

and the exit status is 0 when every case held, 1 when one did not, 2 when the part could not
run at all. `--seed N` replays the same cases.
"""

import argparse
import hashlib
import json
import os
import random
import signal
import subprocess
import sys
import time

# Exit statuses that mean the process died rather than answered: a signal (negative from
# subprocess, or 128+N from a shell), or a Swift runtime trap (SIGILL/SIGTRAP → 132/133).
CRASH_SIGNALS = {signal.SIGILL, signal.SIGTRAP, signal.SIGABRT, signal.SIGBUS, signal.SIGFPE, signal.SIGSEGV}


class Part:
    def __init__(self, name, description):
        parser = argparse.ArgumentParser(prog=name, description=description)
        parser.add_argument("--form", choices=["short", "long"], default="short")
        parser.add_argument("--seed", type=int, default=None)
        parser.add_argument("--bin", required=True, help="directory holding fapiao and fapiao-central")
        parser.add_argument("--work", required=True, help="an empty directory for this part")
        self.args = parser.parse_args()
        self.name = name
        self.form = self.args.form
        self.long = self.form == "long"
        self.seed = self.args.seed if self.args.seed is not None else random.SystemRandom().randrange(1, 2**31)
        self.random = random.Random(self.seed)
        self.bin = os.path.abspath(self.args.bin)
        self.fapiao = os.path.join(self.bin, "fapiao")
        self.central = os.path.join(self.bin, "fapiao-central")
        self.work = os.path.abspath(self.args.work)
        self.tried = 0
        self.passed = 0
        self.lost = 0
        self.duplicated = 0
        self.crashed = 0
        self.failures = []
        self.started = time.monotonic()
        self.say(f"{name}: seed {self.seed} ({self.form} form; replay with --seed {self.seed})")

    # --- reporting -------------------------------------------------------------------------
    def say(self, text):
        print(text, file=sys.stderr, flush=True)

    def ok(self):
        self.tried += 1
        self.passed += 1

    def fail(self, text, kind="failed"):
        """One case broke a rule: kind is failed, lost, duplicated or crashed."""
        self.tried += 1
        if kind == "lost":
            self.lost += 1
        elif kind == "duplicated":
            self.duplicated += 1
        elif kind == "crashed":
            self.crashed += 1
        if len(self.failures) < 20:
            self.failures.append(text)
        self.say(f"  FAIL {text}")

    def check(self, condition, text, kind="failed"):
        if condition:
            self.ok()
        else:
            self.fail(text, kind)
        return condition

    def finish(self, detail="", could_not_run=None):
        failed = self.tried - self.passed
        if could_not_run:
            self.failures.insert(0, could_not_run)
            failed = max(failed, 1)
        result = {
            "tried": self.tried,
            "passed": self.passed,
            "failed": failed,
            "lost": self.lost,
            "duplicated": self.duplicated,
            "crashed": self.crashed,
            "seed": self.seed,
            "seconds": round(time.monotonic() - self.started, 1),
            "detail": detail,
            "failures": self.failures,
        }
        print("RESULT " + json.dumps(result, ensure_ascii=False), flush=True)
        sys.exit(2 if could_not_run else (0 if failed == 0 else 1))

    # --- running the binaries ----------------------------------------------------------------
    def run(self, argv, timeout=60, env=None, stdin=None):
        """Runs a command; returns (status, stdout, stderr). status is None after a timeout
        (the process is killed), negative for a signal."""
        full_env = dict(os.environ)
        full_env.pop("FAPIAO_JOURNAL", None)
        full_env.pop("FAPIAO_TOKEN", None)
        if env:
            full_env.update(env)
        try:
            done = subprocess.run(
                argv, input=stdin, capture_output=True, timeout=timeout, env=full_env,
                stdin=None if stdin is not None else subprocess.DEVNULL)
            return done.returncode, done.stdout, done.stderr
        except subprocess.TimeoutExpired as expired:
            return None, expired.stdout or b"", expired.stderr or b""


def is_crash(status):
    """A status that means the process died instead of answering (or hung: None)."""
    if status is None:
        return True
    if status < 0:
        return -status in CRASH_SIGNALS or -status == signal.SIGKILL
    return status - 128 in CRASH_SIGNALS if status > 128 else False


def one_sentence(stderr):
    """The error a user reads: one non-empty line, starting with the program's name."""
    lines = [line for line in stderr.decode("utf-8", "replace").splitlines() if line.strip()]
    return len(lines) >= 1 and lines[-1].startswith(("fapiao:", "fapiao-central:", "Error:"))


def sha256_file(path):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def sha256_journal(path):
    """The journal and its WAL and shared-memory files, as they lie on disk."""
    parts = []
    for suffix in ("", "-wal", "-journal"):
        candidate = path + suffix
        parts.append(sha256_file(candidate) if os.path.exists(candidate) else "-")
    return "/".join(parts)
