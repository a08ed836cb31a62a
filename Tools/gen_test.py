#!/usr/bin/env python3
"""Self-check for Tools/gen.  Run: python3 Tools/gen_test.py

The validator below is written independently of the generator (Decimal
arithmetic, its own checksum tables) and reports which rules a record breaks.
Prints one final line "N passed, N failed" and exits non-zero on any failure.
"""

import csv
import importlib.machinery
import importlib.util
import io
import json
import os
import re
import subprocess
import sys
import tempfile
import traceback
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

HERE = os.path.dirname(os.path.abspath(__file__))
GEN = os.path.join(HERE, "gen")
TODAY = date(2026, 11, 20)
TODAY_S = TODAY.isoformat()

KINDS = [
    "bad-check-char", "total-off-by-fen", "bad-rate", "future-date",
    "duplicate-number", "three-decimals", "empty-field", "bad-number-format",
]
# defect kind -> the single validator rule it must break
RULE_OF = {
    "bad-check-char": "seller-taxid",
    "total-off-by-fen": "gross",
    "bad-rate": "rate",
    "future-date": "future-date",
    "duplicate-number": "duplicate",
    "three-decimals": "amount-format",
    "empty-field": "empty-field",
    "bad-number-format": "number-format",
}
KEY_ORDER = [
    "type", "code", "number", "issueDate", "seller", "buyer", "net", "taxRate", "tax",
    "gross", "currency", "lines", "checkCode", "note", "operator", "_defect", "_planted",
]
CSV_HEADER = (
    "type,code,number,issueDate,seller.name,seller.taxID,buyer.name,buyer.taxID,"
    "net,taxRate,tax,gross,currency,checkCode,note,operator"
)

# ---------------------------------------------------------------------------
# Independent identifier checks
# ---------------------------------------------------------------------------

USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_W = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]


def is_uscc(s):
    if len(s) != 18 or any(c not in USCC_CHARS for c in s):
        return False
    total = 0
    for i in range(17):
        total += USCC_CHARS.index(s[i]) * USCC_W[i]
    c = (31 - total % 31) % 31
    return USCC_CHARS[c] == s[17]


def is_org_code(s):
    """9-char GB 11714 organisation code (8 body chars + check)."""
    if not re.fullmatch(r"[0-9A-Z]{8}[0-9X]", s):
        return False
    total = sum(int(ch, 36) * w for ch, w in zip(s[:8], (3, 7, 9, 10, 5, 8, 4, 2)))
    c = 11 - total % 11
    expect = {10: "X", 11: "0"}.get(c, str(c))
    return s[8] == expect


def is_legacy_taxid(s):
    return len(s) == 15 and s[:6].isdigit() and is_org_code(s[6:])


def is_resident_id(s, today=TODAY):
    if not re.fullmatch(r"\d{17}[\dX]", s):
        return False
    try:
        born = date(int(s[6:10]), int(s[10:12]), int(s[12:14]))
    except ValueError:
        return False
    if born.year < 1900:
        return False
    adult_by = date(born.year + 18, born.month, 28 if (born.month, born.day) == (2, 29) else born.day)
    if adult_by > today:
        return False
    w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    total = sum(int(s[i]) * w[i] for i in range(17))
    return "10X98765432"[total % 11] == s[17]


# ---------------------------------------------------------------------------
# Record validator
# ---------------------------------------------------------------------------

AMOUNT_RE = re.compile(r"(0|[1-9]\d*)\.\d\d")
RATES = {"0.13", "0.09", "0.06", "0.05", "0.03", "0.01", "0"}
TYPES = {"special", "ordinary", "digitalSpecial", "digitalOrdinary"}
CENT = Decimal("0.01")


def half_up(d):
    return d.quantize(CENT, rounding=ROUND_HALF_UP)


class Validator:
    """Checks records one by one; remembers keys to detect duplicates."""

    def __init__(self, today=TODAY):
        self.today = today
        self.seen = set()

    def check(self, r):
        bad = set()
        t = r.get("type")
        if t not in TYPES:
            bad.add("type")
        legacy = t in ("special", "ordinary")
        for f in ("number", "issueDate"):
            if r.get(f) == "":
                bad.add("empty-field")
        for party in ("seller", "buyer"):
            for f in ("name", "taxID"):
                if r[party].get(f) == "":
                    bad.add("empty-field")

        # code / number
        code = r.get("code")
        if legacy:
            if code is None or not re.fullmatch(r"\d{10}|\d{12}", code):
                bad.add("code")
        elif code is not None:
            bad.add("code")
        number = r.get("number")
        if number:
            if not re.fullmatch(r"\d{8}" if legacy else r"\d{20}", number):
                bad.add("number-format")

        # parties
        if r["seller"]["taxID"] and not is_uscc(r["seller"]["taxID"]):
            bad.add("seller-taxid")
        b = r["buyer"]["taxID"]
        if b and not (is_uscc(b) or is_legacy_taxid(b) or is_resident_id(b, self.today)):
            bad.add("buyer-taxid")

        # date
        d = r.get("issueDate")
        if d:
            try:
                if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", d):
                    raise ValueError
                if date.fromisoformat(d) > self.today:
                    bad.add("future-date")
            except ValueError:
                bad.add("date-format")

        # amounts
        rate = r.get("taxRate")
        lines = r.get("lines")
        if rate not in RATES or any(ln.get("taxRate") != rate for ln in lines or []):
            bad.add("rate")
        amounts = [r.get("net"), r.get("tax"), r.get("gross")]
        for ln in lines or []:
            amounts += [ln.get("net"), ln.get("tax")]
        if not all(isinstance(a, str) and AMOUNT_RE.fullmatch(a) for a in amounts):
            bad.add("amount-format")  # arithmetic is meaningless on malformed amounts
        else:
            net, tax, gross = Decimal(r["net"]), Decimal(r["tax"]), Decimal(r["gross"])
            rd = Decimal(rate) if re.fullmatch(r"0(\.\d\d)?", rate or "") else None
            if net + tax != gross:
                bad.add("gross")
            if not Decimal("10.00") <= net <= Decimal("200000.00"):
                bad.add("net-range")
            if lines:
                if sum(Decimal(ln["net"]) for ln in lines) != net:
                    bad.add("lines-net")
                if sum(Decimal(ln["tax"]) for ln in lines) != tax:
                    bad.add("lines-tax")
                if rd is not None:
                    for ln in lines:
                        if half_up(Decimal(ln["net"]) * rd) != Decimal(ln["tax"]):
                            bad.add("line-tax")
                    if abs(tax - net * rd) > Decimal("0.06"):
                        bad.add("tax")
            elif rd is not None and half_up(net * rd) != tax:
                bad.add("tax")
            if lines is not None and not 1 <= len(lines) <= 3:
                bad.add("lines-count")

        if r.get("currency") != "CNY":
            bad.add("currency")
        cc = r.get("checkCode")
        if cc is not None and (t not in ("ordinary", "digitalOrdinary") or not re.fullmatch(r"\d{20}", cc)):
            bad.add("check-code")
        if not re.fullmatch(r"clerk0[1-5]", r.get("operator", "")):
            bad.add("operator")

        if number and r["seller"]["taxID"]:
            key = (r["seller"]["taxID"], code or "", number)
            if key in self.seen:
                bad.add("duplicate")
            self.seen.add(key)
        return bad


def csv_to_record(row):
    r = {
        "type": row["type"], "number": row["number"], "issueDate": row["issueDate"],
        "seller": {"name": row["seller.name"], "taxID": row["seller.taxID"]},
        "buyer": {"name": row["buyer.name"], "taxID": row["buyer.taxID"]},
        "net": row["net"], "taxRate": row["taxRate"], "tax": row["tax"], "gross": row["gross"],
        "currency": row["currency"], "operator": row["operator"],
    }
    for k in ("code", "checkCode", "note"):
        if row[k] != "":
            r[k] = row[k]
    return r


# ---------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------


def run_gen(*args, check=True):
    p = subprocess.run([sys.executable, GEN, *args], capture_output=True)
    if check and p.returncode != 0:
        raise AssertionError(f"gen {' '.join(args)} exited {p.returncode}: {p.stderr.decode()}")
    return p


def gen_jsonl(*args):
    out = run_gen("--today", TODAY_S, *args).stdout.decode("utf-8")
    assert out.endswith("\n") or out == "", "output must end with a newline"
    return [json.loads(line) for line in out.splitlines()]


def gen_csv(*args):
    out = run_gen("--today", TODAY_S, "--format", "csv", *args).stdout.decode("utf-8")
    assert "\r" not in out, "CSV must use \\n line ends"
    assert out.split("\n", 1)[0] == CSV_HEADER, "CSV header row"
    return [csv_to_record(row) for row in csv.DictReader(io.StringIO(out, newline=""))]


def key_of(r):
    return (r["seller"]["taxID"], r.get("code", ""), r["number"])


def write_gen(path, *args):
    """Run gen with --out path and return its records."""
    run_gen("--today", TODAY_S, *args, "--out", path)
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def load_gen_module():
    loader = importlib.machinery.SourceFileLoader("gen_tool", GEN)
    spec = importlib.util.spec_from_loader("gen_tool", loader)
    mod = importlib.util.module_from_spec(spec)
    loader.exec_module(mod)
    return mod


TESTS = []


def test(fn):
    TESTS.append(fn)
    return fn


# ---------------------------------------------------------------------------
# Tests
# ---------------------------------------------------------------------------


@test
def sanity_identifiers():
    gen = load_gen_module()
    for code in ("91350100M000100Y43", "91110000802100433B"):
        assert gen.uscc_valid(code), f"gen.uscc_valid rejects {code}"
        assert gen.uscc_check_char(code[:17]) == code[17], code
        assert is_uscc(code), f"validator rejects {code}"
        assert is_org_code(code[8:17]), f"org code inside {code}"
        assert gen.org_check_char(code[8:16]) == code[16], code
    assert not is_uscc("91350100M000100Y44")
    assert is_resident_id("11010519491231002X")  # the GB 11643 example
    assert gen.resident_check_char("11010519491231002") == "X"
    assert gen.USCC_WEIGHTS == USCC_W


@test
def valid_jsonl_passes():
    recs = gen_jsonl("--count", "3000", "--seed", "3")
    assert len(recs) == 3000
    v = Validator()
    for i, r in enumerate(recs):
        bad = v.check(r)
        assert not bad, f"record {i} breaks {sorted(bad)}: {r}"
        assert "_defect" not in r
        keys = list(r)
        assert keys == [k for k in KEY_ORDER if k in r], f"key order {keys}"
        assert all(v is not None for v in r.values()), "null values must be omitted"
        d = date.fromisoformat(r["issueDate"])
        assert TODAY - timedelta(days=29) <= d <= TODAY, d


@test
def valid_jsonl_mix():
    recs = gen_jsonl("--count", "4000", "--seed", "11")
    n = len(recs)
    types = {t: sum(r["type"] == t for r in recs) / n for t in
             ("special", "ordinary", "digitalSpecial", "digitalOrdinary")}
    for t, want in (("special", .15), ("ordinary", .25), ("digitalSpecial", .30), ("digitalOrdinary", .30)):
        assert abs(types[t] - want) < 0.04, (t, types[t])
    header_only = sum("lines" not in r for r in recs) / n
    assert 0.25 < header_only < 0.35, header_only
    legacy = sum(len(r["buyer"]["taxID"]) == 15 for r in recs) / n
    # An all-digit ID can pass both the USCC and the resident-ID checksum, so classify by name.
    person = sum(not r["buyer"]["name"].endswith("公司") for r in recs) / n
    assert 0.03 < legacy < 0.07 and 0.03 < person < 0.07, (legacy, person)
    for r in recs:
        name, tid = r["buyer"]["name"], r["buyer"]["taxID"]
        if name.endswith("公司"):
            assert is_uscc(tid) or is_legacy_taxid(tid), r["buyer"]
        else:
            assert 2 <= len(name) <= 3 and is_resident_id(tid), r["buyer"]
        if r["type"] in ("special", "ordinary"):
            assert len(r["number"]) == 8 and "code" in r
        else:
            assert len(r["number"]) == 20 and "code" not in r
    assert {r["taxRate"] for r in recs} == RATES
    assert len({r["operator"] for r in recs}) == 5
    assert 0.05 < sum("note" in r for r in recs) / n < 0.15
    assert any(len(r.get("lines", [])) == 3 for r in recs)


@test
def valid_csv_passes():
    recs = gen_csv("--count", "2000", "--seed", "5")
    assert len(recs) == 2000
    v = Validator()
    for i, r in enumerate(recs):
        bad = v.check(r)
        assert not bad, f"row {i} breaks {sorted(bad)}: {r}"
    assert any("," in r.get("note", "") or '"' in r.get("note", "") for r in recs), "quoting exercised"


@test
def deterministic_same_seed():
    for fmt in ("jsonl", "csv"):
        args = ["--count", "500", "--seed", "42", "--today", TODAY_S, "--invalid", "0.3", "--format", fmt]
        a, b = run_gen(*args).stdout, run_gen(*args).stdout
        assert a == b, f"{fmt} output differs between identical runs"
        c = run_gen(*args[:3], "43", *args[4:]).stdout
        assert a != c, f"{fmt} output identical for different seeds"


@test
def out_file_matches_stdout():
    path = os.path.join(os.environ.get("TMPDIR", "/tmp"), f"gen_test_{os.getpid()}.jsonl")
    try:
        args = ["--count", "50", "--seed", "9", "--today", TODAY_S]
        run_gen(*args, "--out", path)
        with open(path, "rb") as f:
            assert f.read() == run_gen(*args).stdout
    finally:
        if os.path.exists(path):
            os.remove(path)


@test
def start_number_disjoint():
    a = gen_jsonl("--count", "400", "--seed", "2", "--start-number", "1")
    b = gen_jsonl("--count", "400", "--seed", "2", "--start-number", "401")
    v = Validator()
    for r in a + b:
        assert not v.check(r), "disjoint runs must not collide"


for _kind in KINDS:
    def _make(kind):
        def each_defect_breaks_exactly_its_rule():
            for fmt in ("jsonl", "csv"):
                if fmt == "jsonl":
                    recs = gen_jsonl("--count", "300", "--seed", "8", "--only", kind, "--label")
                else:
                    recs = gen_csv("--count", "300", "--seed", "8", "--only", kind)
                v = Validator()
                want = {RULE_OF[kind]}
                for i, r in enumerate(recs):
                    bad = v.check(r)
                    if kind == "duplicate-number" and i == 0:
                        assert not bad and "_defect" not in r, f"first record must be valid: {bad}"
                        continue
                    assert bad == want, f"{fmt} {kind} record {i}: broke {sorted(bad)}, want {want}: {r}"
                    if fmt == "jsonl":
                        assert r.get("_defect") == kind, r
                if kind == "empty-field":
                    emptied = set()
                    for r in recs:
                        for f, val in (("number", r["number"]), ("issueDate", r["issueDate"]),
                                       ("seller.name", r["seller"]["name"]), ("buyer.taxID", r["buyer"]["taxID"])):
                            if val == "":
                                emptied.add(f)
                    assert emptied == {"number", "issueDate", "seller.name", "buyer.taxID"}, emptied
                if kind == "future-date":
                    assert all(r["issueDate"] == (TODAY + timedelta(days=1)).isoformat() for r in recs)
                if kind == "bad-rate":
                    assert all(r["taxRate"] == "0.07" for r in recs)
                if kind == "three-decimals":
                    assert all(re.fullmatch(r"\d+\.\d{3}", r["net"]) for r in recs)
                if kind == "duplicate-number" and fmt == "jsonl":
                    first = {}
                    for r in recs:
                        key = (r["seller"]["taxID"], r.get("code"), r["number"])
                        if key in first:
                            o = first[key]
                            assert r["buyer"] != o["buyer"] and r["net"] != o["net"], "dup must differ otherwise"
                        else:
                            first[key] = r
        each_defect_breaks_exactly_its_rule.__name__ = f"defect_{kind}"
        return each_defect_breaks_exactly_its_rule
    test(_make(_kind))


@test
def mixed_invalid_rate_labels():
    recs = gen_jsonl("--count", "2000", "--seed", "21", "--invalid", "0.25", "--label")
    v = Validator()
    labelled = 0
    kinds = set()
    for i, r in enumerate(recs):
        bad = v.check(r)
        kind = r.get("_defect")
        if kind is None:
            assert not bad, f"unlabelled record {i} breaks {sorted(bad)}"
        else:
            labelled += 1
            kinds.add(kind)
            assert bad == {RULE_OF[kind]}, f"record {i} labelled {kind} broke {sorted(bad)}"
    assert abs(labelled - 500) <= 2, labelled
    assert kinds == set(KINDS), kinds
    plain = gen_jsonl("--count", "2000", "--seed", "21", "--invalid", "0.25")
    assert all("_defect" not in r for r in plain)
    assert [dict(r, _defect=None) for r in recs] == [dict(r, _defect=None) for r in plain]


@test
def only_valid_and_edge_counts():
    assert not any(Validator().check(r) for r in gen_jsonl("--count", "100", "--only", "valid", "--label"))
    assert run_gen("--count", "0", "--today", TODAY_S).stdout == b""
    assert run_gen("--count", "0", "--format", "csv", "--today", TODAY_S).stdout.decode() == CSV_HEADER + "\n"
    one = gen_jsonl("--count", "1", "--only", "duplicate-number", "--label")
    assert len(one) == 1 and not Validator().check(one[0]) and "_defect" not in one[0]


@test
def default_today_runs():
    p = run_gen("--count", "5")
    for line in p.stdout.decode().splitlines():
        json.loads(line)


@test
def bad_arguments_exit_64():
    for args in (["--count", "x"], ["--count", "-1"], ["--format", "xml"], ["--today", "2026-13-01"],
                 ["--today", "20261120"], ["--invalid", "1.5"], ["--invalid", "abc"], ["--only", "nope"],
                 ["--start-number", "0"], ["--start-number", "99999999", "--count", "2"],
                 ["--only", "valid", "--invalid", "0.5"], ["--bogus"], ["--seed", "x"]):
        p = run_gen(*args, check=False)
        err = p.stderr.decode()
        assert p.returncode == 64, f"{args}: exit {p.returncode}"
        assert err.count("\n") == 1 and err.startswith("gen: error:"), f"{args}: stderr {err!r}"
        assert p.stdout == b""
    p = run_gen("--help")
    assert p.returncode == 0 and b"examples" in p.stdout and b"bad-number-format" in p.stdout


# ---------------------------------------------------------------------------
# --duplicates-of / --duplicates
# ---------------------------------------------------------------------------

COPIED = ("type", "code", "number", "seller")


@test
def duplicates_collide_exactly_n():
    with tempfile.TemporaryDirectory() as tmp:
        a_path = os.path.join(tmp, "a.jsonl")
        a = write_gen(a_path, "--count", "600", "--seed", "1", "--start-number", "1")
        dup = ["--duplicates-of", a_path, "--duplicates", "25"]
        b_args = ["--count", "500", "--seed", "2", "--start-number", "1001"]
        b = gen_jsonl(*b_args, *dup, "--label")
        plain = gen_jsonl(*b_args)
        assert len(b) == len(plain) == 500
        a_keys, b_keys = [key_of(r) for r in a], [key_of(r) for r in b]
        shared = set(a_keys) & set(b_keys)
        assert len(shared) == 25, len(shared)
        assert all(a_keys.count(k) == 1 and b_keys.count(k) == 1 for k in shared), "one record each side"
        assert len(set(b_keys)) == 500 and len({r["number"] for r in b}) == 500, "b numbers unique"
        planted = [i for i, r in enumerate(b) if "_planted" in r]
        assert {b_keys[i] for i in planted} == shared and len(planted) == 25
        gaps = [j - i for i, j in zip([-1] + planted, planted + [500])]
        assert max(gaps) <= 2 * 500 // 25, f"planted records not spread evenly: {planted}"
        a_by_key = {key_of(r): r for r in a}
        v = Validator()
        for i, (r, o) in enumerate(zip(b, plain)):
            bad = v.check(r)
            assert not bad, f"b record {i} breaks {sorted(bad)}: {r}"
            keys = list(r)
            assert keys == [k for k in KEY_ORDER if k in r], f"key order {keys}"
            if i not in planted:
                assert r == o, f"unplanted record {i} changed"
                continue
            assert r["_planted"] == "duplicate-number" and "_defect" not in r
            src = a_by_key[key_of(r)]
            for f in COPIED:
                assert r.get(f) == src.get(f), (f, r, src)
            for f in o:
                if f not in COPIED and not (f == "checkCode" and r["type"] in ("special", "digitalSpecial")):
                    assert r[f] == o[f], f"planted record {i} lost its {f}"
            assert set(r) - {"_planted", "code", "checkCode"} == set(o) - {"code", "checkCode"}
            if r["type"] in ("digitalSpecial", "digitalOrdinary"):
                assert r["number"][:2] == r["issueDate"][2:4], "digital number starts with the issue year"
        assert {r["type"] for i, r in enumerate(b) if i in planted} == {
            "special", "ordinary", "digitalSpecial", "digitalOrdinary"}, "all types planted"
        for r in a:
            assert not Validator().check(r)
        unlabelled = gen_jsonl(*b_args, *dup)
        assert unlabelled == [{k: x for k, x in r.items() if k != "_planted"} for r in b]
        assert gen_jsonl(*b_args, "--duplicates-of", a_path, "--duplicates", "0") == plain


@test
def duplicates_deterministic():
    with tempfile.TemporaryDirectory() as tmp:
        a_path, out_path = os.path.join(tmp, "a.jsonl"), os.path.join(tmp, "b.jsonl")
        write_gen(a_path, "--count", "300", "--seed", "4", "--invalid", "0.2")
        args = ["--count", "300", "--seed", "5", "--start-number", "301", "--today", TODAY_S,
                "--invalid", "0.2", "--duplicates-of", a_path, "--duplicates", "12"]
        first, second = run_gen(*args).stdout, run_gen(*args).stdout
        assert first == second, "output differs between identical runs"
        run_gen(*args, "--out", out_path)
        with open(out_path, "rb") as f:
            assert f.read() == first, "--out differs from stdout"
        other = run_gen(*args[:3], "6", *args[4:]).stdout
        assert other != first, "identical output for different seeds"


@test
def duplicates_skip_invalid_sources():
    with tempfile.TemporaryDirectory() as tmp:
        labelled, unlabelled = os.path.join(tmp, "l.jsonl"), os.path.join(tmp, "u.jsonl")
        a_args = ["--count", "400", "--seed", "7", "--invalid", "0.5"]
        a = write_gen(labelled, *a_args, "--label")
        write_gen(unlabelled, *a_args)
        numbers = [r["number"] for r in a]
        usable = [r for r in a if "_defect" not in r and numbers.count(r["number"]) == 1]
        assert {r["_defect"] for r in a if "_defect" in r} == set(KINDS)
        assert 150 < len(usable) < 200, len(usable)
        b_args = ["--count", "400", "--seed", "8", "--start-number", "401", "--invalid", "0.1", "--label"]
        for path in (labelled, unlabelled):  # unlabelled defects are caught by gen's own check
            b = gen_jsonl(*b_args, "--duplicates-of", path, "--duplicates", str(len(usable)))
            planted = {key_of(r) for r in b if "_planted" in r}
            assert planted == {key_of(r) for r in usable}, "every usable record lent its number once"
            v = Validator()
            for i, r in enumerate(b):
                bad = v.check(r)
                want = {RULE_OF[r["_defect"]]} if "_defect" in r else set()
                assert bad == want, f"record {i} broke {sorted(bad)}, want {want}: {r}"
                assert not ("_defect" in r and "_planted" in r)
            p = run_gen("--today", TODAY_S, *b_args, "--duplicates-of", path,
                        "--duplicates", str(len(usable) + 1), check=False)
            err = p.stderr.decode()
            assert p.returncode == 64 and f"the {len(usable)} usable records" in err, err


@test
def duplicates_across_new_year():
    with tempfile.TemporaryDirectory() as tmp:
        a_path = os.path.join(tmp, "a.jsonl")
        run_gen("--today", "2027-01-12", "--count", "400", "--seed", "3", "--out", a_path)
        b = gen_jsonl("--today", "2027-01-12", "--count", "400", "--seed", "4", "--start-number", "401",
                      "--duplicates-of", a_path, "--duplicates", "60", "--label")
        b = [r for r in b if "_planted" in r]
        digital = [r for r in b if "code" not in r]
        assert len(b) == 60 and {r["number"][:2] for r in digital} == {"26", "27"}
        assert all(r["number"][:2] == r["issueDate"][2:4] for r in digital), "year prefix kept"
        assert all(r["issueDate"] <= "2027-01-12" for r in b)


@test
def duplicates_bad_arguments_exit_64():
    with tempfile.TemporaryDirectory() as tmp:
        a_path = os.path.join(tmp, "a.jsonl")
        write_gen(a_path, "--count", "20", "--seed", "1")
        csv_path, arr_path, bin_path = (os.path.join(tmp, n) for n in ("a.csv", "arr.jsonl", "bin.jsonl"))
        with open(csv_path, "wb") as f:
            f.write(run_gen("--count", "5", "--format", "csv", "--today", TODAY_S).stdout)
        with open(arr_path, "w") as f:
            f.write('{"type":"special"}\n[1, 2]\n')
        with open(bin_path, "wb") as f:
            f.write(b'{"note":"\xff"}\n')
        a_2025 = os.path.join(tmp, "a2025.jsonl")
        run_gen("--today", "2025-06-01", "--count", "50", "--seed", "1", "--only", "valid", "--out", a_2025)
        base = ["--count", "30", "--seed", "2", "--start-number", "1001"]
        cases = [
            (["--duplicates-of", a_path], "together"),
            (["--duplicates", "3"], "together"),
            (["--duplicates-of", a_path, "--duplicates", "3", "--format", "csv"], "JSONL"),
            (["--duplicates-of", a_path, "--duplicates", "31"], "--count"),
            (["--duplicates-of", a_path, "--duplicates", "21"], "usable records"),
            (["--duplicates-of", a_path, "--duplicates", "1", "--only", "bad-rate"], "valid records"),
            (["--duplicates-of", a_path, "--duplicates", "-1"], "--duplicates"),
            (["--duplicates-of", a_path, "--duplicates", "x"], "--duplicates"),
            (["--duplicates-of", os.path.join(tmp, "missing.jsonl"), "--duplicates", "1"], "cannot read"),
            (["--duplicates-of", tmp, "--duplicates", "1"], "cannot read"),
            (["--duplicates-of", csv_path, "--duplicates", "1"], "line 1 is not valid JSON"),
            (["--duplicates-of", arr_path, "--duplicates", "1"], "line 2 is not a JSON object"),
            (["--duplicates-of", bin_path, "--duplicates", "1"], "not UTF-8"),
            (["--duplicates-of", a_2025, "--duplicates", "20"], "issued in 2025"),
        ]
        out_path = os.path.join(tmp, "out.jsonl")
        for args, words in cases:
            p = run_gen("--today", TODAY_S, *base, *args, "--out", out_path, check=False)
            err = p.stderr.decode()
            assert p.returncode == 64, f"{args}: exit {p.returncode} {err}"
            assert err.count("\n") == 1 and err.startswith("gen: error:"), f"{args}: stderr {err!r}"
            assert "--duplicates" in err and words in err, f"{args}: {err!r} should mention {words!r}"
            assert p.stdout == b"" and not os.path.exists(out_path), f"{args}: wrote output"
    p = run_gen("--help")
    assert b"--duplicates-of FILE" in p.stdout and b"--duplicates 25" in p.stdout


def main():
    passed = failed = 0
    for fn in TESTS:
        try:
            fn()
        except Exception:
            failed += 1
            print(f"FAIL {fn.__name__}")
            traceback.print_exc(limit=3)
        else:
            passed += 1
            print(f"ok   {fn.__name__}")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
