"""A `fapiao-central serve` over a SQLite store in a part's work directory, on a free loopback
port: started, killed (`kill -9`), restarted (optionally with a failpoint armed) and stopped;
tokens added while it runs (the service re-reads its tokens file)."""

import os
import signal
import socket
import subprocess
import time


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Centre:
    def __init__(self, part, name="centre", extra=()):
        self.part = part
        self.dir = os.path.join(part.work, name)
        os.makedirs(self.dir, exist_ok=True)
        self.store = os.path.join(self.dir, "central.sqlite")
        self.tokens = os.path.join(self.dir, "tokens")
        self.log = os.path.join(self.dir, "central.log")
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.extra = list(extra)
        self.process = None

    def add_token(self, node, path):
        status, out, err = self.part.run([self.part.central, "token", "add", node, "--tokens", self.tokens])
        if status != 0:
            raise RuntimeError(f"token add {node} exited {status}: {err.decode(errors='replace').strip()}")
        with open(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb") as handle:
            handle.write(out)
        return path

    def start(self, failpoint=None):
        env = dict(os.environ)
        env.pop("FAPIAO_FAILPOINT", None)
        if failpoint:
            env["FAPIAO_FAILPOINT"] = failpoint
        if not os.path.exists(self.tokens):
            # The service needs a tokens file; HQ's own token is as good as any for a start.
            self.add_token("central", os.path.join(self.dir, "hq.token"))
        out = open(os.path.join(self.dir, "central.out"), "wb")
        self.process = subprocess.Popen(
            [self.part.central, "serve", "--store", f"sqlite:{self.store}", "--listen", f"127.0.0.1:{self.port}",
             "--tokens", self.tokens, *self.extra],
            stdout=out, stderr=open(self.log, "ab"), stdin=subprocess.DEVNULL, env=env)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"fapiao-central exited {self.process.returncode} at start: see {self.log}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("fapiao-central did not start listening within 30 s")

    def wait_exit(self, timeout):
        """The exit status (negative for a signal), or None if it is still running."""
        try:
            return self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return None

    def kill(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait()

    def restart(self, failpoint=None):
        self.stop()
        self.start(failpoint=failpoint)

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def hq_amend(self, invoice, *changes):
        status, _, err = self.part.run([self.part.central, "amend", invoice, *changes, "--store", f"sqlite:{self.store}"])
        if status != 0:
            raise RuntimeError(f"fapiao-central amend exited {status}: {err.decode(errors='replace').strip()}")
