"""The set checker, in the style of Jepsen's: after a final clean sync, is every invoice a
branch captured at the centre exactly once, is nothing there that no branch captured, and is
every journal row in a documented state? Shared by the parts (crash-points, remote-faults,
hostile-neighbour, …); keep its one entry point stable:

    check(journals, central_sqlite=PATH | postgres_url=URL, printed_ids=set(), branches=None)
      -> {"lost": n, "duplicated": n, "unknown": n, "bad_states": n, "given_up": n, "unanchored": n,
          "details": [...]}

"Captured" is every invoice in the journals, plus every id a capture command printed (an id
printed but absent from every journal is lost too); an invoice the centre refused (quarantined
in its journal with the centre's reason) is rightly absent from it. An operation the sync gave
up on (quarantined after too many pushes without an answer, or deferred too often: the remote may
or may not hold it, and `fapiao quarantine requeue` re-sends it) is not lost, since the journal
keeps it, but is not delivered either: an invoice absent from the centre for that reason counts
as given_up, not lost. The centre's tables (Schema/central): central_invoice
(one row per invoice id) and central_operation (one row per applied operation id).

- lost: a captured invoice the centre lacks; a journal operation marked accepted or duplicate
  that the centre lacks, or holds with another content hash.
- duplicated: an invoice id or operation id held more than once at the centre; the same
  (branch, seller tax ID, code, number) held under two invoice ids.
- unknown: an invoice at the centre, or an operation a checked branch sent, that no journal holds.
- bad_states: a journal invoice or operation in a state that is not a settled, documented one
  (README "Every invoice's state is visible"; Sources/FapiaoCore/Branch/SyncState.swift and
  OperationStatus.swift): after a clean sync nothing is left pending, in flight or in doubt.
- unanchored: a journal whose audit chain the centre does not hold to its last entry (DESIGN §6:
  a clean sync anchors the whole chain), or holds with a chain break not acknowledged: a sync
  whose anchoring was refused, or a break recorded for a journal that was never rewritten.

`branches` limits the centre's rows checked to those nodes (default: every node a journal
names, plus every branch of the centre's invoices). A PostgreSQL URL may carry its password; it
is handed to psql through PGPASSWORD, never on its command line.
"""

import os
import sqlite3
import subprocess
import urllib.parse

SETTLED_INVOICE_STATES = {"accepted", "conflict", "quarantined"}
# "rejected" is listed by the journal schema's comment; the engine records it as quarantined.
SETTLED_OPERATION_STATES = {"accepted", "duplicate", "stale", "conflict", "rejected", "quarantined", "superseded"}
DOCUMENTED_INVOICE_STATES = SETTLED_INVOICE_STATES | {"pending", "inFlight", "inDoubt"}


# How Sources/FapiaoSync/SyncEngine+Failures.swift words an operation it gave up on.
GAVE_UP_REASONS = ("no answer after ", "deferred by the remote ")


def _journal_rows(path):
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        node = db.execute("SELECT value FROM setting WHERE key = 'node'").fetchone()
        invoices = db.execute("SELECT upper(id), sync_state FROM invoice").fetchall()
        operations = db.execute(
            "SELECT upper(id), upper(invoice_id), status, hash, coalesce(last_error, '') FROM operation").fetchall()
    return (node[0] if node else None), invoices, operations


def _journal_head(path):
    """(sequence, hash) of the journal's last audit entry, (0, None) when it has none."""
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        row = db.execute("SELECT seq, hash FROM audit_entry ORDER BY seq DESC LIMIT 1").fetchone()
    return (int(row[0]), row[1]) if row else (0, None)


def gave_up(path):
    """Invoice ids of a journal with an operation the sync gave up on (quarantined for want of an
    answer), for a part to requeue as an operator would."""
    _, _, operations = _journal_rows(path)
    return sorted({invoice for _, invoice, status, _, error in operations
                   if status == "quarantined" and error.startswith(GAVE_UP_REASONS)})


def _psql(postgres_url, sql):
    """Rows of `sql` (tab-separated text) from PostgreSQL; the password goes through the environment."""
    env = dict(os.environ)
    parts = urllib.parse.urlsplit(postgres_url)
    if parts.password is not None:
        env["PGPASSWORD"] = urllib.parse.unquote(parts.password)
        netloc = (urllib.parse.quote(urllib.parse.unquote(parts.username or ""), safe="") + "@" if parts.username else "")
        netloc += parts.hostname or ""
        if parts.port:
            netloc += f":{parts.port}"
        postgres_url = urllib.parse.urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))
    out = subprocess.run(["psql", postgres_url, "-X", "-At", "-F", "\t", "-v", "ON_ERROR_STOP=1", "-c", sql],
                         check=True, capture_output=True, text=True, env=env).stdout
    return [tuple(line.split("\t")) for line in out.splitlines() if line]


def _centre_rows(central_sqlite=None, postgres_url=None):
    queries = {
        "invoices": "SELECT upper(id::text), branch, seller_tax_id, code, number FROM central_invoice",
        "operations": "SELECT upper(id::text), node, hash FROM central_operation",
        "invoice_copies": "SELECT upper(id::text), count(*) FROM central_invoice GROUP BY 1 HAVING count(*) > 1",
        "operation_copies": "SELECT upper(id::text), count(*) FROM central_operation GROUP BY 1 HAVING count(*) > 1",
        "anchored": "SELECT branch, head_seq, head_hash FROM central_branch",
        "open_breaks": "SELECT branch, reason FROM central_chain_break WHERE acknowledged_at IS NULL",
    }
    if central_sqlite:
        with sqlite3.connect(f"file:{central_sqlite}?mode=ro", uri=True) as db:
            return {name: db.execute(sql.replace("::text", "")).fetchall() for name, sql in queries.items()}
    if postgres_url:
        return {name: _psql(postgres_url, sql) for name, sql in queries.items()}
    raise ValueError("setcheck.check needs central_sqlite or postgres_url")


def check(journals, central_sqlite=None, postgres_url=None, printed_ids=(), branches=None):
    """See the module's documentation. `branches`: the node ids whose rows at the centre are
    checked (default: all of them)."""
    details = []
    captured = {}
    quarantined = set()
    given_up_ids = set()  # quarantined because no answer came: the centre may hold them or not
    journal_operations = {}
    landed_operations = {}  # operation id → hash, for operations the branch was told landed
    nodes = set()
    node_of = {}  # journal path → its node, for the anchoring check
    bad_states = 0
    for path in journals:
        node, invoices, operations = _journal_rows(path)
        node_of[path] = node
        if node:
            nodes.add(node)
        for invoice_id, state in invoices:
            captured[invoice_id] = path
            if state == "quarantined":
                quarantined.add(invoice_id)
            if state not in SETTLED_INVOICE_STATES:
                bad_states += 1
                kind = "left" if state in DOCUMENTED_INVOICE_STATES else "in the undocumented state"
                details.append(f"{path}: invoice {invoice_id} {kind} {state}")
        for operation_id, invoice_id, status, digest, error in operations:
            journal_operations[operation_id] = invoice_id
            if status == "quarantined" and error.startswith(GAVE_UP_REASONS):
                given_up_ids.add(invoice_id)
            if status not in SETTLED_OPERATION_STATES:
                bad_states += 1
                details.append(f"{path}: operation {operation_id} left {status}")
            if status in ("accepted", "duplicate"):
                landed_operations[operation_id] = digest
    rows = _centre_rows(central_sqlite, postgres_url)
    checked = set(branches) if branches is not None else None
    centre_invoices = [row for row in rows["invoices"] if checked is None or row[1] in checked]
    centre_operations = {operation_id: (node, digest) for operation_id, node, digest in rows["operations"]}
    at_centre = {row[0] for row in centre_invoices}
    all_at_centre = {row[0] for row in rows["invoices"]}

    lost = given_up = 0
    for invoice_id in sorted(set(captured) | {i.upper() for i in printed_ids}):
        if invoice_id in all_at_centre:
            continue
        if invoice_id in given_up_ids:
            given_up += 1
            details.append(f"invoice {invoice_id} not at the centre: the sync gave up on it (quarantined, no answer)")
        elif invoice_id not in quarantined:
            lost += 1
            details.append(f"invoice {invoice_id} captured but not at the centre")
    for operation_id, digest in sorted(landed_operations.items()):
        held = centre_operations.get(operation_id)
        if held is None:
            lost += 1
            details.append(f"operation {operation_id} marked accepted but not at the centre")
        elif held[1] != digest:
            lost += 1
            details.append(f"operation {operation_id} is at the centre with another content hash")

    unknown = 0
    for invoice_id in sorted(at_centre - set(captured)):
        unknown += 1
        details.append(f"invoice {invoice_id} at the centre but captured by no branch checked")
    senders = checked if checked is not None else nodes
    for operation_id, (node, _) in sorted(centre_operations.items()):
        if node in senders and operation_id not in journal_operations:
            unknown += 1
            details.append(f"operation {operation_id} from {node} at the centre but in no journal")

    duplicated = 0
    for table in ("invoice_copies", "operation_copies"):
        for row_id, copies in rows[table]:
            duplicated += 1
            details.append(f"{table.split('_')[0]} {row_id} held {copies} times at the centre")
    seen = {}
    for invoice_id, branch, seller, code, number in centre_invoices:
        key = (branch, seller, code, number)
        if key in seen:
            duplicated += 1
            details.append(f"{branch} number {code}{number} held twice: {seen[key]} and {invoice_id}")
        seen[key] = invoice_id
    unanchored = 0
    anchored = {branch: (int(sequence), digest) for branch, sequence, digest in rows["anchored"]}
    breaks = dict(rows["open_breaks"])
    for path in journals:
        node = node_of[path]
        if not node or (checked is not None and node not in checked):
            continue
        head = _journal_head(path)
        if node in breaks:
            unanchored += 1
            details.append(f"{path}: the centre holds a chain break of {node}: {breaks[node]}")
        elif head[0] > 0 and anchored.get(node) != head:
            unanchored += 1
            held = anchored.get(node, (0, None))[0]
            details.append(f"{path}: the centre anchored {node}'s chain to entry {held}, the journal ends at {head[0]}")
    return {"lost": lost, "duplicated": duplicated, "unknown": unknown, "bad_states": bad_states,
            "given_up": given_up, "unanchored": unanchored, "details": details}


def anchoring_details(result):
    """The first few of `result`'s details that are about the anchoring (see `unanchored`)."""
    return [detail for detail in result["details"] if "anchored" in detail or "chain break" in detail][:3]
