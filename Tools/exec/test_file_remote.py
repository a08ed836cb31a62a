#!/usr/bin/env python3
"""Tests of Tools/exec/fapiao-file-remote over the exec protocol (Schema/exec-protocol.md).

Run: python3 Tools/exec/test_file_remote.py

Each test starts the program as a subprocess on a store in a temporary directory, speaks the
protocol with hand-made invoices in their canonical form (Invoice+Canonical.swift), and checks
the replies. The operation hash is computed here independently of the program (json.dumps with
sorted keys, which equals the canonical form for the strings used). Prints one final line
"N passed, N failed" and exits non-zero on any failure.
"""

import hashlib
import json
import os
import select
import sqlite3
import subprocess
import sys
import tempfile
import time
import unittest
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
PROGRAM = os.path.join(HERE, "fapiao-file-remote")
BRANCH = "bj-01"
SELLER = "91350100M000100Y43"
BUYER = "91110000802100433B"

# An operation made and hashed by the Swift branch (fapiao enqueue, then sync to fapiao-central's
# SQLite store): content, clock and hash as that store recorded them.
SWIFT_OPERATION = {
    "id": "48B45939-1B3D-46D8-A5B5-6245040A31FD",
    "invoiceID": "2B0D1A69-27D0-4047-B54A-6CF622A1E5EC",
    "kind": "create",
    "clock": {"bj-01": 1},
    "hash": "30caaa9ae207d9aca21daf65be0796f76976bd3f3963ddd54d10f4d6b6c47a02",
    "invoice": json.loads(
        '{"branch":"bj-01","buyer":{"name":"北京客户有限公司","taxID":"91110000802100433B"},'
        '"capturedAt":"2026-12-03T10:22:07.212Z","currency":"CNY","gross":"552.00",'
        '"id":"2B0D1A69-27D0-4047-B54A-6CF622A1E5EC","issueDate":"2026-12-03","kind":"normal",'
        '"lines":[{"description":"技术服务费","net":"520.75","quantity":"1","tax":"31.25","taxRate":"0.06",'
        '"unitPrice":"520.75"}],"net":"520.75","note":"含\\"引号\\"与\\\\反斜杠 😀 é",'
        '"number":"26110000000000000001","seller":{"name":"北京示例科技有限公司","taxID":"91350100M000100Y43"},'
        '"tax":"31.25","taxRate":"0.06","type":"digitalOrdinary"}'),
}


def canonical(value):
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def new_id():
    return str(uuid.uuid4()).upper()


def invoice(n=1, ident=None, branch=BRANCH, **fields):
    """The DESIGN §3 example in canonical form, number 2611 followed by n in 16 digits."""
    document = {
        "branch": branch,
        "buyer": {"name": "北京客户有限公司", "taxID": BUYER},
        "capturedAt": "2026-11-20T08:15:30.125Z",
        "currency": "CNY",
        "gross": "552.00",
        "id": ident or new_id(),
        "issueDate": "2026-11-20",
        "kind": "normal",
        "lines": [{"description": "技术服务费", "net": "520.75", "quantity": "1", "tax": "31.25",
                   "taxRate": "0.06", "unitPrice": "520.75"}],
        "net": "520.75",
        "number": "2611%016d" % n,
        "seller": {"name": "北京示例科技有限公司", "taxID": SELLER},
        "tax": "31.25",
        "taxRate": "0.06",
        "type": "digitalOrdinary",
    }
    document.update(fields)
    return document


def op_hash(kind, invoice_id, clock, document):
    envelope = {"clock": clock, "invoiceID": invoice_id, "kind": kind, "payload": document}
    return hashlib.sha256(canonical(envelope).encode("utf-8")).hexdigest()


def operation(document, clock=None, kind="create", op_id=None):
    clock = {BRANCH: 1} if clock is None else clock
    return {"id": op_id or new_id(), "invoiceID": document["id"], "kind": kind, "clock": clock,
            "hash": op_hash(kind, document["id"], clock, document), "invoice": document}


def voided(document, by="central"):
    copy = json.loads(json.dumps(document))
    copy["void"] = {"at": "2026-11-21T01:00:00.000Z", "by": by, "reason": "开错了"}
    return copy


def amended(document, buyer="北京新客户有限公司"):
    copy = json.loads(json.dumps(document))
    copy["buyer"]["name"] = buyer
    return copy


class Remote:
    """One fapiao-file-remote process and its end of the protocol."""

    def __init__(self, store, *args, env=None, branch_env=BRANCH, create=True):
        environment = dict(os.environ)
        for key in list(environment):
            if key.startswith("FAPIAO_"):
                del environment[key]
        environment["FAPIAO_EXEC_PROTOCOL"] = "1"
        if branch_env:
            environment["FAPIAO_BRANCH"] = branch_env
        environment.update(env or {})
        self.stderr = tempfile.TemporaryFile()
        command = [sys.executable, PROGRAM, store] + (["--create"] if create else []) + list(args)
        self.process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=self.stderr, env=environment)
        self.buffer = b""
        self.next_id = 0

    def write(self, data):
        self.process.stdin.write(data)
        self.process.stdin.flush()

    def read_line(self, timeout=10):
        """The next line (bytes, without newline); None at end of output; TimeoutError when none comes."""
        deadline = time.monotonic() + timeout
        fd = self.process.stdout.fileno()
        while b"\n" not in self.buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("no line from the program within %ss" % timeout)
            ready, _, _ = select.select([fd], [], [], left)
            if not ready:
                continue
            chunk = os.read(fd, 1 << 16)
            if not chunk:
                return None
            self.buffer += chunk
        line, _, self.buffer = self.buffer.partition(b"\n")
        return line

    def reply(self, timeout=10):
        line = self.read_line(timeout)
        if line is None:
            raise EOFError("the program ended without a reply")
        return json.loads(line)

    def hello(self, branch=BRANCH, versions=(1,)):
        self.write(canonical({"fapiao": "exec", "versions": list(versions), "branch": branch}).encode() + b"\n")
        return self.reply()

    def request(self, method, params):
        self.next_id += 1
        self.write(canonical({"id": self.next_id, "method": method, "params": params}).encode() + b"\n")
        return self.next_id

    def call(self, method, params):
        request_id = self.request(method, params)
        answer = self.reply()
        assert answer.get("id") == request_id, answer
        return answer

    def push(self, operations, branch=BRANCH):
        return self.call("push", {"branch": branch, "operations": operations})

    def outcomes(self, operations):
        answer = self.push(operations)
        assert "result" in answer, answer
        return answer["result"]["outcomes"]

    def close(self, timeout=5):
        try:
            self.process.stdin.close()
        except OSError:
            pass
        try:
            return self.process.wait(timeout)
        finally:
            self.kill()

    def kill(self):
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()

    def error_text(self):
        self.stderr.seek(0)
        return self.stderr.read().decode("utf-8", "replace")


class RemoteTestCase(unittest.TestCase):
    def setUp(self):
        self.directory = tempfile.TemporaryDirectory()
        self.store = os.path.join(self.directory.name, "central.sqlite")
        self.remotes = []

    def tearDown(self):
        for remote in self.remotes:
            remote.kill()
            for stream in (remote.process.stdin, remote.process.stdout, remote.stderr):
                try:
                    stream.close()
                except OSError:
                    pass
        self.directory.cleanup()

    def start(self, *args, branch=BRANCH, hello=True, **options):
        remote = Remote(self.store, *args, **options)
        self.remotes.append(remote)
        if hello:
            self.assertEqual(remote.hello(branch), {"fapiao": "exec", "version": 1, "node": "central",
                                                    "store": "file"})
        return remote

    def hq(self, command, invoice_id, *args):
        return subprocess.run([sys.executable, PROGRAM, self.store, command, invoice_id] + list(args),
                              capture_output=True, text=True, timeout=20)

    def lookup(self, remote, *ids):
        return remote.call("lookup", {"ids": list(ids)})["result"]

    def changes(self, remote, since=0, limit=100, scope="elsewhere", branch=BRANCH):
        return remote.call("changes", {"branch": branch, "since": since, "limit": limit, "scope": scope})


class HandshakeTests(RemoteTestCase):
    def test_handshake_names_version_node_and_store(self):
        remote = self.start()
        self.assertEqual(remote.close(), 0)

    def test_no_common_version_is_refused_and_the_program_exits(self):
        remote = self.start(hello=False)
        answer = remote.hello(versions=[3, 4])
        self.assertEqual(answer["fapiao"], "exec")
        self.assertEqual(answer["error"]["kind"], "invalidRequest")
        self.assertNotEqual(remote.process.wait(5), 0)

    def test_a_handshake_for_another_branch_than_the_environment_is_refused(self):
        remote = self.start(hello=False, branch_env="bj-02")
        self.assertEqual(remote.hello()["error"]["kind"], "invalidRequest")
        self.assertNotEqual(remote.process.wait(5), 0)

    def test_health_counts_invoices(self):
        remote = self.start()
        self.assertEqual(remote.call("health", {})["result"],
                         {"status": "ok", "node": "central", "store": "file", "invoices": 0})
        remote.outcomes([operation(invoice())])
        self.assertEqual(remote.call("health", {})["result"]["invoices"], 1)

    def test_a_missing_store_without_create_ends_before_the_handshake(self):
        remote = Remote(self.store, create=False)
        self.remotes.append(remote)
        self.assertIsNone(remote.read_line())
        self.assertEqual(remote.process.wait(5), 74)
        self.assertIn("--create", remote.error_text())
        self.assertFalse(os.path.exists(self.store))

    def test_a_foreign_file_is_refused_and_left_unchanged(self):
        with open(self.store, "wb") as handle:
            handle.write(b"not a database at all " * 100)
        before = open(self.store, "rb").read()
        remote = Remote(self.store)
        self.remotes.append(remote)
        self.assertIsNone(remote.read_line())
        self.assertEqual(remote.process.wait(5), 78)
        self.assertEqual(open(self.store, "rb").read(), before)

    def test_the_store_is_wal_with_full_sync_and_closing_stdin_ends_the_program(self):
        remote = self.start()
        remote.outcomes([operation(invoice())])
        started = time.monotonic()
        self.assertEqual(remote.close(), 0)
        self.assertLess(time.monotonic() - started, 2)
        with sqlite3.connect(self.store) as db:
            self.assertEqual(db.execute("PRAGMA journal_mode").fetchone()[0], "wal")
        self.assertEqual(os.stat(self.store).st_mode & 0o777, 0o600)

    def test_a_token_file_refuses_a_wrong_token_but_not_health(self):
        token_file = os.path.join(self.directory.name, "token")
        with open(token_file, "w") as handle:
            handle.write("s3cret-token\n")
        wrong = self.start("--token-file", token_file, env={"FAPIAO_TOKEN": "guess"})
        self.assertEqual(wrong.call("health", {})["result"]["status"], "ok")
        self.assertEqual(wrong.push([operation(invoice())])["error"]["kind"], "authenticationRefused")
        self.assertNotIn("s3cret", wrong.error_text())
        right = self.start("--token-file", token_file, env={"FAPIAO_TOKEN": "s3cret-token"})
        self.assertEqual(right.outcomes([operation(invoice())])[0]["outcome"], "accepted")

    def test_verbose_logs_one_line_per_request_and_quiet_logs_none(self):
        quiet = self.start()
        quiet.call("health", {})
        quiet.close()
        self.assertEqual(quiet.error_text(), "")
        verbose = self.start("--verbose")
        verbose.call("health", {})
        verbose.outcomes([operation(invoice())])
        verbose.close()
        lines = [line for line in verbose.error_text().splitlines() if line.startswith("fapiao-file-remote:")]
        self.assertEqual(len(lines), 3, lines)  # the handshake, health, push


class PushTests(RemoteTestCase):
    def test_accepted_then_duplicate_in_a_later_process(self):
        create = operation(invoice())
        first = self.start()
        self.assertEqual(first.outcomes([create]), [{"opID": create["id"], "outcome": "accepted"}])
        first.close()
        second = self.start()
        self.assertEqual(second.outcomes([create]), [{"opID": create["id"], "outcome": "duplicate"}])

    def test_a_reused_operation_id_with_other_content_is_rejected(self):
        document = invoice()
        create = operation(document)
        remote = self.start()
        remote.outcomes([create])
        reused = operation(amended(document), {BRANCH: 2}, "amend", op_id=create["id"])
        [outcome] = remote.outcomes([reused])
        self.assertEqual(outcome["outcome"], "rejected")
        self.assertIn("never reused", outcome["reason"])
        self.assertEqual(self.lookup(remote, document["id"])["found"][0]["invoice"], document)

    def test_gross_that_is_not_net_plus_tax_is_rejected_and_not_stored(self):
        document = invoice(gross="552.01")
        remote = self.start()
        [outcome] = remote.outcomes([operation(document)])
        self.assertEqual(outcome["outcome"], "rejected")
        self.assertIn("gross", outcome["reason"])
        self.assertEqual(self.lookup(remote, document["id"])["missing"], [document["id"]])

    def test_other_invalid_operations_are_rejected(self):
        cases = {
            "empty clock": operation(invoice(1), {}),
            "void without record": operation(invoice(2), kind="void"),
            "three decimals": operation(invoice(3, net="520.750", gross="552.000")),
            "check character": operation(invoice(4, seller={"name": "卖方", "taxID": "91350100M000100Y44"})),
            "number length": operation(invoice(5, number="261100001")),
        }
        remote = self.start()
        outcomes = remote.outcomes(list(cases.values()))
        for (name, _), outcome in zip(cases.items(), outcomes):
            self.assertEqual(outcome["outcome"], "rejected", name)
        self.assertIn("empty vector clock", outcomes[0]["reason"])
        self.assertIn("void record", outcomes[1]["reason"])
        self.assertIn("2 decimal places", outcomes[2]["reason"])
        self.assertIn("seller.taxID", outcomes[3]["reason"])
        self.assertIn("8 or 20 digits", outcomes[4]["reason"])
        self.assertEqual(remote.call("health", {})["result"]["invoices"], 0)

    def test_a_legacy_seller_id_and_an_eight_digit_number_are_accepted(self):
        document = invoice(type="ordinary", code="1100000000", number="00000001",
                           seller={"name": "旧卖方", "taxID": "110108123456789"})
        remote = self.start()
        self.assertEqual(remote.outcomes([operation(document)])[0]["outcome"], "accepted")

    def test_an_operation_hashed_by_the_swift_branch_is_accepted(self):
        self.assertEqual(op_hash("create", SWIFT_OPERATION["invoiceID"], SWIFT_OPERATION["clock"],
                                 SWIFT_OPERATION["invoice"]), SWIFT_OPERATION["hash"])
        remote = self.start()
        self.assertEqual(remote.outcomes([SWIFT_OPERATION])[0]["outcome"], "accepted")
        self.assertEqual(self.lookup(remote, SWIFT_OPERATION["invoiceID"])["found"][0]["invoice"],
                         SWIFT_OPERATION["invoice"])

    def test_a_hash_that_does_not_match_is_rejected(self):
        create = operation(invoice())
        create["hash"] = "0" * 64
        remote = self.start()
        [outcome] = remote.outcomes([create])
        self.assertEqual(outcome["outcome"], "rejected")
        self.assertIn("hash", outcome["reason"])

    def test_stale_answers_carry_the_current_clock(self):
        document = invoice()
        remote = self.start()
        remote.outcomes([operation(document), operation(amended(document), {BRANCH: 2}, "amend")])
        older = operation(document, {BRANCH: 1}, "amend")
        equal = operation(amended(document), {BRANCH: 2}, "amend")
        self.assertEqual(remote.outcomes([older, equal]), [
            {"opID": older["id"], "outcome": "stale", "currentClock": {BRANCH: 2}},
            {"opID": equal["id"], "outcome": "stale", "currentClock": {BRANCH: 2}},
        ])

    def test_a_concurrent_edit_is_a_conflict_with_the_centre_version(self):
        document = invoice()
        remote = self.start()
        remote.outcomes([operation(document)])
        edited = self.hq("amend", document["id"], "--note", "checked by HQ")
        self.assertEqual(edited.returncode, 0, edited.stderr)
        central = json.loads(edited.stdout)
        self.assertEqual(central["clock"], {BRANCH: 1, "central": 1})
        [outcome] = remote.outcomes([operation(amended(document), {BRANCH: 2}, "amend")])
        self.assertEqual(outcome["outcome"], "conflict")
        self.assertEqual(outcome["conflictKind"], "concurrentEdit")
        self.assertEqual(outcome["remote"], central)

    def test_a_number_owned_by_another_invoice_is_a_duplicate_number_conflict(self):
        first = invoice(7)
        remote = self.start()
        remote.outcomes([operation(first)])
        [outcome] = remote.outcomes([operation(invoice(7))])
        self.assertEqual(outcome["outcome"], "conflict")
        self.assertEqual(outcome["conflictKind"], "duplicateNumber")
        self.assertEqual(outcome["remote"], {"invoice": first, "clock": {BRANCH: 1}})

    def test_a_voided_invoice_takes_only_voids_and_resolutions(self):
        document = invoice()
        remote = self.start()
        remote.outcomes([operation(document)])
        self.assertEqual(self.hq("void", document["id"], "--reason", "开错了").returncode, 0)
        after = {BRANCH: 2, "central": 1}
        [change] = remote.outcomes([operation(amended(document), after, "amend")])
        self.assertEqual(change["outcome"], "rejected")
        self.assertIn("is voided; a voided invoice cannot be changed", change["reason"])
        [concurrent] = remote.outcomes([operation(amended(document), {BRANCH: 2}, "amend")])
        self.assertEqual((concurrent["outcome"], concurrent["conflictKind"]), ("conflict", "editOfVoided"))
        self.assertIn("void", concurrent["remote"]["invoice"])
        [resolve] = remote.outcomes([operation(amended(document), {BRANCH: 3, "central": 1}, "resolve")])
        self.assertEqual(resolve["outcome"], "accepted")
        self.assertEqual(self.hq("void", document["id"], "--reason", "again").returncode, 0)
        [void] = remote.outcomes([operation(voided(document, by=BRANCH), {BRANCH: 4, "central": 2}, "void")])
        self.assertEqual(void["outcome"], "accepted")

    def test_later_operations_in_a_batch_see_earlier_ones_and_every_one_is_answered_in_order(self):
        document = invoice(1)
        create = operation(document)
        batch = [
            create,
            operation(amended(document), {BRANCH: 2}, "amend"),
            operation(invoice(1)),  # same number, another invoice
            create,  # the same operation again
            operation(invoice(2, gross="1.00")),
            operation(document, {BRANCH: 1}, "amend"),
        ]
        remote = self.start()
        outcomes = remote.outcomes(batch)
        self.assertEqual([o["opID"] for o in outcomes], [o["id"] for o in batch])
        self.assertEqual([o["outcome"] for o in outcomes],
                         ["accepted", "accepted", "conflict", "duplicate", "rejected", "stale"])
        self.assertEqual(outcomes[2]["remote"]["clock"], {BRANCH: 2})
        answer = remote.push(batch)
        self.assertNotIn("partial", answer["result"])
        self.assertEqual(len(answer["result"]["outcomes"]), len(batch))

    def test_an_empty_push_is_answered_with_no_outcomes(self):
        self.assertEqual(self.start().push([])["result"], {"outcomes": []})

    def test_another_branchs_invoice_refuses_the_whole_batch(self):
        mine = invoice(1)
        remote = self.start()
        answer = remote.push([operation(mine), operation(invoice(2, branch="bj-02"))])
        self.assertEqual(answer["error"]["kind"], "forbidden")
        self.assertEqual(self.lookup(remote, mine["id"])["missing"], [mine["id"]])
        theirs = invoice(3, branch="bj-02")
        answer = remote.push([operation(theirs, {"bj-02": 1})], branch="bj-02")
        self.assertEqual(answer["error"]["kind"], "forbidden")
        self.assertEqual(self.lookup(remote, mine["id"])["missing"], [mine["id"]])

    def test_counters_outside_0_to_2_63_minus_1_are_invalid_requests(self):
        remote = self.start()
        for counter in (2**63, -1, 1.5, "1", True, 10**30):
            document = invoice()
            create = operation(document, {BRANCH: 1})
            create["clock"] = {BRANCH: counter}
            answer = remote.push([create])
            self.assertEqual(answer.get("error", {}).get("kind"), "invalidRequest", counter)
        largest = operation(invoice(), {BRANCH: 2**63 - 1})
        self.assertEqual(remote.outcomes([largest])[0]["outcome"], "accepted")
        self.assertEqual(self.lookup(remote, largest["invoiceID"])["found"][0]["clock"], {BRANCH: 2**63 - 1})


    def test_zero_counters_are_absent_entries_as_in_vector_clock(self):
        document = invoice()
        create = operation(document, {BRANCH: 1})  # hashed over the clock without zero entries
        create["clock"] = {BRANCH: 1, "central": 0}
        remote = self.start()
        self.assertEqual(remote.outcomes([create])[0]["outcome"], "accepted")
        self.assertEqual(self.lookup(remote, document["id"])["found"][0]["clock"], {BRANCH: 1})
        zero = operation(invoice(2), {})
        zero["clock"] = {BRANCH: 0}
        [outcome] = remote.outcomes([zero])
        self.assertEqual(outcome["outcome"], "rejected")
        self.assertIn("empty vector clock", outcome["reason"])


class ReadTests(RemoteTestCase):
    def test_lookup_returns_the_invoice_exactly_as_pushed_and_the_missing_ids(self):
        document = invoice(note='含"引号"与\n换行\t和\\')
        unknown = new_id()
        remote = self.start()
        remote.outcomes([operation(document)])
        request_id = remote.request("lookup", {"ids": [document["id"], unknown]})
        raw = remote.read_line().decode("utf-8")
        self.assertIn(canonical(document), raw)
        answer = json.loads(raw)
        self.assertEqual(answer["id"], request_id)
        self.assertEqual(answer["result"], {"found": [{"invoice": document, "clock": {BRANCH: 1}}],
                                            "missing": [unknown]})

    def test_lookup_hides_another_branchs_invoices(self):
        theirs = invoice(9, branch="bj-02")
        other = self.start(branch="bj-02", branch_env="bj-02")
        answer = other.push([operation(theirs, {"bj-02": 1})], branch="bj-02")
        self.assertEqual(answer["result"]["outcomes"][0]["outcome"], "accepted")
        mine = self.start()
        self.assertEqual(self.lookup(mine, theirs["id"]), {"found": [], "missing": [theirs["id"]]})

    def test_changes_elsewhere_lists_hq_changes_and_all_lists_every_invoice(self):
        documents = [invoice(n) for n in range(1, 4)]
        remote = self.start()
        remote.outcomes([operation(d) for d in documents])
        self.assertEqual(self.changes(remote)["result"], {"changes": [], "cursor": 0, "hasMore": False})
        self.assertEqual(self.hq("void", documents[1]["id"], "--reason", "作废").returncode, 0)
        page = self.changes(remote)["result"]
        self.assertEqual([(c["seq"], c["changedBy"], c["invoice"]["id"]) for c in page["changes"]],
                         [(4, "central", documents[1]["id"])])
        self.assertEqual(page["changes"][0]["clock"], {BRANCH: 1, "central": 1})
        self.assertEqual((page["cursor"], page["hasMore"]), (4, False))
        everything = self.changes(remote, scope="all")["result"]
        self.assertEqual([(c["seq"], c["changedBy"]) for c in everything["changes"]],
                         [(1, BRANCH), (3, BRANCH), (4, "central")])
        self.assertEqual(everything["changes"][0]["invoice"], documents[0])

    def test_the_feed_lists_each_invoice_once_at_its_latest_change(self):
        document = invoice()
        remote = self.start()
        remote.outcomes([operation(document)])
        self.assertEqual(self.hq("amend", document["id"], "--note", "一").returncode, 0)
        self.assertEqual(self.hq("amend", document["id"], "--note", "二").returncode, 0)
        page = self.changes(remote)["result"]
        self.assertEqual([(c["seq"], c["invoice"].get("note")) for c in page["changes"]], [(3, "二")])
        resolve = operation(amended(document), {BRANCH: 2, "central": 2}, "resolve")
        self.assertEqual(remote.outcomes([resolve])[0]["outcome"], "accepted")
        self.assertEqual(self.changes(remote)["result"]["changes"], [])
        self.assertEqual([c["seq"] for c in self.changes(remote, scope="all")["result"]["changes"]], [4])

    def test_changes_page_with_since_exclusive_limit_cursor_and_has_more(self):
        remote = self.start()
        remote.outcomes([operation(invoice(n)) for n in range(1, 6)])
        seen, since, pages = [], 0, 0
        while True:
            page = self.changes(remote, since=since, limit=2, scope="all")["result"]
            seen += [c["seq"] for c in page["changes"]]
            since, pages = page["cursor"], pages + 1
            if not page["hasMore"]:
                break
        self.assertEqual((seen, pages, since), ([1, 2, 3, 4, 5], 3, 5))
        self.assertEqual(self.changes(remote, since=9, scope="all")["result"],
                         {"changes": [], "cursor": 9, "hasMore": False})

    def test_changes_of_another_branch_are_forbidden_and_bad_parameters_invalid(self):
        remote = self.start()
        self.assertEqual(self.changes(remote, branch="bj-02")["error"]["kind"], "forbidden")
        self.assertEqual(self.changes(remote, limit=0)["error"]["kind"], "invalidRequest")
        self.assertEqual(self.changes(remote, since=-1)["error"]["kind"], "invalidRequest")
        self.assertEqual(self.changes(remote, scope="mine")["error"]["kind"], "invalidRequest")

    def test_several_programs_share_one_store(self):
        first = self.start()
        second = self.start(branch="bj-02", branch_env="bj-02")
        for n in range(1, 4):
            first.outcomes([operation(invoice(n))])
            second.push([operation(invoice(100 + n, branch="bj-02"), {"bj-02": 1})], branch="bj-02")
        mine = self.changes(first, scope="all")["result"]["changes"]
        self.assertEqual([c["seq"] for c in mine], [1, 3, 5])
        self.assertEqual(first.call("health", {})["result"]["invoices"], 6)


class RobustnessTests(RemoteTestCase):
    def test_malformed_lines_are_answered_invalid_request_and_serving_goes_on(self):
        remote = self.start()
        lines = [b"this is not json", b"", b"[1,2]", b'{"method":"health"}', b"\xff\xfe{}",
                 b'{"id":NaN,"method":"health"}', b'{"id":1.5,"method":"health"}',
                 b'{"id":"7","method":"health"}', b'{"id":3,"method":"health","params":"x"}',
                 b'{"id":4,"method":"health","params":{"s":"\\ud800"}}']
        for line in lines:
            remote.write(line + b"\n")
            answer = remote.reply()
            self.assertEqual(answer["error"]["kind"], "invalidRequest", line)
            self.assertIn(answer["id"], (None, 3, 4), line)
        remote.write(b'{"id":41,"method":"fly","params":{}}\n')
        self.assertEqual(remote.reply(), {"id": 41, "error": {
            "kind": "invalidRequest", "message": 'method "fly" is not part of protocol version 1'}})
        remote.write(b'{"id":42,"method":"push","params":{"branch":"bj-01","operations":[{"id":"x"}]}}\n')
        self.assertEqual(remote.reply()["error"]["kind"], "invalidRequest")
        self.assertEqual(remote.call("health", {})["result"]["status"], "ok")
        self.assertEqual(remote.close(), 0)

    def test_a_line_over_64_mib_is_refused_without_ending_the_session(self):
        remote = self.start()
        chunk = b" " * (1 << 20)
        remote.write(b'{"id":1,"method":"health","params":{},"pad":"')
        for _ in range(65):
            remote.write(chunk)
        remote.write(b'"}\n')
        answer = remote.reply(timeout=30)
        self.assertEqual(answer, {"id": None, "error": {"kind": "invalidRequest",
                                                        "message": "the line is longer than 64 MiB"}})
        self.assertEqual(remote.call("health", {})["result"]["status"], "ok")

    def test_hq_edits_name_a_missing_or_voided_invoice(self):
        remote = self.start()
        document = invoice()
        remote.outcomes([operation(document)])
        self.assertEqual(self.hq("void", new_id(), "--reason", "x").returncode, 66)
        self.assertEqual(self.hq("void", document["id"], "--reason", "x").returncode, 0)
        again = self.hq("void", document["id"], "--reason", "x")
        self.assertEqual(again.returncode, 65)
        self.assertIn("voided", again.stderr)
        self.assertEqual(self.hq("void", document["id"]).returncode, 64)


class FaultTests(RemoteTestCase):
    def test_crash_after_commit_keeps_the_batch_and_a_replay_is_duplicate(self):
        first_batch = [operation(invoice(1))]
        second_batch = [operation(invoice(2)), operation(invoice(3))]
        remote = self.start(env={"FAPIAO_FILE_REMOTE_CRASH_AFTER_COMMIT": "2"})
        self.assertEqual(remote.outcomes(first_batch)[0]["outcome"], "accepted")
        remote.request("push", {"branch": BRANCH, "operations": second_batch})
        self.assertIsNone(remote.read_line())
        self.assertEqual(remote.process.wait(5), 137)
        again = self.start()
        self.assertEqual([o["outcome"] for o in again.outcomes(second_batch)], ["duplicate", "duplicate"])

    def test_crash_before_commit_keeps_nothing_of_the_batch(self):
        batch = [operation(invoice(1)), operation(invoice(2))]
        remote = self.start(env={"FAPIAO_FILE_REMOTE_CRASH_BEFORE_COMMIT": "1"})
        remote.request("push", {"branch": BRANCH, "operations": batch})
        self.assertIsNone(remote.read_line())
        self.assertEqual(remote.process.wait(5), 137)
        again = self.start()
        self.assertEqual(again.call("health", {})["result"]["invoices"], 0)
        self.assertEqual([o["outcome"] for o in again.outcomes(batch)], ["accepted", "accepted"])

    def test_hang_never_answers_and_applies_nothing(self):
        batch = [operation(invoice(1))]
        remote = self.start(env={"FAPIAO_FILE_REMOTE_HANG": "1"})
        remote.request("push", {"branch": BRANCH, "operations": batch})
        with self.assertRaises(TimeoutError):
            remote.read_line(timeout=1)
        self.assertIsNone(remote.process.poll())
        remote.kill()
        self.assertEqual(self.start().outcomes(batch)[0]["outcome"], "accepted")

    def test_garbage_answers_a_committed_push_with_a_line_that_is_not_json(self):
        batch = [operation(invoice(1))]
        remote = self.start(env={"FAPIAO_FILE_REMOTE_GARBAGE": "1"})
        remote.request("push", {"branch": BRANCH, "operations": batch})
        line = remote.read_line()
        with self.assertRaises(ValueError):
            json.loads(line)
        self.assertEqual(remote.outcomes(batch)[0]["outcome"], "duplicate")

    def test_short_answers_one_outcome_too_few_without_partial(self):
        batch = [operation(invoice(n)) for n in range(1, 4)]
        remote = self.start(env={"FAPIAO_FILE_REMOTE_SHORT": "1"})
        answer = remote.push(batch)
        self.assertEqual(len(answer["result"]["outcomes"]), 2)
        self.assertNotIn("partial", answer["result"])
        self.assertEqual(remote.call("health", {})["result"]["invoices"], 3)

    def test_partial_processes_the_first_half_and_says_so(self):
        batch = [operation(invoice(n)) for n in range(1, 5)]
        remote = self.start(env={"FAPIAO_FILE_REMOTE_PARTIAL": "1"})
        answer = remote.push(batch)
        self.assertEqual(answer["result"]["partial"], True)
        self.assertEqual([o["opID"] for o in answer["result"]["outcomes"]], [o["id"] for o in batch[:2]])
        self.assertEqual(remote.call("health", {})["result"]["invoices"], 2)
        self.assertEqual([o["outcome"] for o in remote.outcomes(batch)],
                         ["duplicate", "duplicate", "accepted", "accepted"])

    def test_a_state_file_counts_pushes_across_processes(self):
        state = os.path.join(self.directory.name, "faults")
        env = {"FAPIAO_FILE_REMOTE_CRASH_AFTER_COMMIT": "2", "FAPIAO_FILE_REMOTE_FAULT_STATE": state}
        first_batch, second_batch = [operation(invoice(1))], [operation(invoice(2))]
        first = self.start(env=env)
        self.assertEqual(first.outcomes(first_batch)[0]["outcome"], "accepted")
        self.assertEqual(first.close(), 0)
        second = self.start(env=env)
        second.request("push", {"branch": BRANCH, "operations": second_batch})
        self.assertIsNone(second.read_line())
        self.assertEqual(second.process.wait(5), 137)
        third = self.start(env=env)
        self.assertEqual(third.outcomes(second_batch)[0]["outcome"], "duplicate")
        with open(state) as handle:
            self.assertEqual(handle.read().strip(), "3")

    def test_a_bad_fault_number_ends_the_program_before_the_handshake(self):
        remote = Remote(self.store, env={"FAPIAO_FILE_REMOTE_HANG": "soon"})
        self.remotes.append(remote)
        self.assertIsNone(remote.read_line())
        self.assertEqual(remote.process.wait(5), 64)
        self.assertIn("FAPIAO_FILE_REMOTE_HANG", remote.error_text())


def main():
    suite = unittest.defaultTestLoader.loadTestsFromModule(sys.modules[__name__])
    result = unittest.TextTestRunner(stream=sys.stderr, verbosity=1).run(suite)
    failed = len(result.failures) + len(result.errors) + len(result.unexpectedSuccesses)
    passed = result.testsRun - failed - len(result.skipped)
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


def audit_chain(count, branch=BRANCH, actor="王会计", start=None):
    """A branch's audit entries as its journal writes them (AuditEntry's hash), continuing `start`."""
    entries = list(start or [])
    for _ in range(count):
        sequence = len(entries) + 1
        entry = {"sequence": sequence, "wallTime": "2026-11-20T08:%02d:%02d.000Z" % (sequence // 60, sequence % 60),
                 "node": branch, "actor": actor, "event": "captured", "invoiceID": new_id(), "operationID": None,
                 "clock": {branch: sequence}, "details": canonical({"note": "第%d张" % sequence}),
                 "previousHash": entries[-1]["hash"] if entries else "0" * 64}
        header = canonical({key: entry[key] for key in (
            "actor", "clock", "event", "invoiceID", "node", "operationID", "sequence", "wallTime")})
        entry["hash"] = hashlib.sha256((entry["previousHash"] + "\n" + header + "\n" + entry["details"])
                                       .encode("utf-8")).hexdigest()
        entries.append(entry)
    return entries


def shipment(entries, state):
    """What the branch ships after the program's head `state` (ExecRemote.anchor)."""
    head = state["head"]
    mine = next((e for e in entries if e["sequence"] == head["sequence"]), None)
    after = head if head["sequence"] == 0 else (
        {"sequence": mine["sequence"], "hash": mine["hash"]} if mine else {"sequence": head["sequence"], "hash": ""})
    last = entries[-1] if entries else None
    return {"after": after, "head": {"sequence": last["sequence"], "hash": last["hash"]} if last else after,
            "entries": [e for e in entries if e["sequence"] > after["sequence"]] if after == head else [],
            "report": {"outboxSize": 0, "openConflicts": 0, "quarantined": 0, "overdue": 0,
                       "reportedAt": "2026-11-20T09:00:00.000Z"}}


class AnchorTests(RemoteTestCase):
    """Protocol 2: the branch's audit chain anchored in the program's store."""

    def start2(self):
        remote = self.start(hello=False)
        self.assertEqual(remote.hello(versions=[1, 2])["version"], 2)
        return remote

    def state(self, remote):
        return remote.call("anchorState", {"branch": BRANCH})["result"]

    def anchor(self, remote, entries):
        return remote.call("anchor", {"branch": BRANCH, "shipment": shipment(entries, self.state(remote))})

    def test_protocol_1_has_no_anchoring(self):
        remote = self.start()
        self.assertEqual(remote.call("anchorState", {"branch": BRANCH})["error"]["kind"], "invalidRequest")

    def test_entries_that_continue_the_chain_are_kept_page_by_page(self):
        remote = self.start2()
        chain = audit_chain(3)
        self.assertEqual(self.anchor(remote, chain)["result"]["head"]["sequence"], 3)
        chain = audit_chain(2, start=chain)
        answer = self.anchor(remote, chain)["result"]
        self.assertEqual((answer["head"]["hash"], answer["state"]), (chain[-1]["hash"], "intact"))
        db = sqlite3.connect(self.store)
        self.assertEqual(db.execute("SELECT count(*) FROM exec_audit_entry").fetchone()[0], 5)

    def test_a_replaced_journal_is_a_break_that_refuses_pushes_until_acknowledged(self):
        remote = self.start2()
        self.anchor(remote, audit_chain(4))
        answer = self.anchor(remote, audit_chain(2))["result"]
        self.assertEqual(answer["state"], "broken")
        self.assertIn("truncated or replaced", answer["break"]["reason"])
        refused = remote.push([operation(invoice())])
        self.assertEqual(refused["error"]["kind"], "chainBreak")
        done = subprocess.run([sys.executable, PROGRAM, self.store, "acknowledge", BRANCH, "--reason", "日志重建"],
                              capture_output=True, text=True, timeout=20)
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertEqual(self.state(remote), {"head": {"sequence": 0, "hash": "0" * 64}, "epoch": 2,
                                              "state": "intact", "break": None})
        self.assertEqual(remote.outcomes([operation(invoice())])[0]["outcome"], "accepted")
        again = subprocess.run([sys.executable, PROGRAM, self.store, "acknowledge", BRANCH, "--reason", "x"],
                               capture_output=True, text=True, timeout=20)
        self.assertEqual(again.returncode, 66)

    def test_a_shipment_the_program_took_before_is_taken_again_without_a_break(self):
        remote = self.start2()
        chain = audit_chain(3)
        first = shipment(chain, self.state(remote))
        remote.call("anchor", {"branch": BRANCH, "shipment": first})
        chain = audit_chain(2, start=chain)
        self.anchor(remote, chain)
        # The first shipment again, as when its reply was lost or it landed after the next one.
        answer = remote.call("anchor", {"branch": BRANCH, "shipment": first})["result"]
        self.assertEqual((answer["head"]["sequence"], answer["state"]), (5, "intact"))
        # From entry 3 past the head: only entries 6 and 7 are new.
        chain = audit_chain(2, start=chain)
        overlapping = dict(first, after={"sequence": 3, "hash": chain[2]["hash"]},
                           head={"sequence": 7, "hash": chain[6]["hash"]}, entries=chain[3:])
        answer = remote.call("anchor", {"branch": BRANCH, "shipment": overlapping})["result"]
        self.assertEqual((answer["head"]["hash"], answer["state"]), (chain[6]["hash"], "intact"))
        db = sqlite3.connect(self.store)
        self.assertEqual(db.execute("SELECT count(*) FROM exec_audit_entry").fetchone()[0], 7)
        # Another chain from the origin, longer than the one held, is a break.
        other = audit_chain(9, actor="mallory")
        longer = dict(first, head={"sequence": 9, "hash": other[-1]["hash"]}, entries=other)
        answer = remote.call("anchor", {"branch": BRANCH, "shipment": longer})["result"]
        self.assertIn("rewritten", answer["break"]["reason"])

    def test_a_rewritten_or_edited_chain_is_a_break(self):
        remote = self.start2()
        self.anchor(remote, audit_chain(3))
        forged = audit_chain(5, actor="mallory")
        self.assertIn("rewritten", self.anchor(remote, forged)["result"]["break"]["reason"])

    def test_an_entry_that_does_not_hash_is_a_break_and_another_branch_is_forbidden(self):
        remote = self.start2()
        chain = audit_chain(2)
        chain[1]["actor"] = "mallory"
        self.assertIn("entry 2 was changed", self.anchor(remote, chain)["result"]["break"]["reason"])
        other = remote.call("anchorState", {"branch": "bj-99"})
        self.assertEqual(other["error"]["kind"], "forbidden")


if __name__ == "__main__":
    sys.exit(main())
