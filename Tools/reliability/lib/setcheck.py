"""The set checker, in the style of Jepsen's: after a final clean sync, is every invoice a
branch captured at the centre exactly once, is nothing there that no branch captured, and is
every journal row in a documented state?

    check(journals, central_sqlite=PATH | postgres_url=URL, printed_ids=set(), branches=None)
      -> {"lost": n, "duplicated": n, "unknown": n, "bad_states": n, "details": [...]}

"Captured" is every invoice in the journals, plus every id a capture command printed (an id
printed but absent from every journal is lost too); an invoice the centre refused (quarantined
in its journal) is rightly absent from it. The centre's tables: central_invoice (one
row per invoice id) and central_operation (one row per applied operation id); a journal
operation the centre applied twice would need two ids, so "duplicated" counts centre invoices
whose (seller tax ID, code, number) is held under more than one id from the same branch, and
journal operations marked accepted that the centre lacks count as lost.
"""

import sqlite3
import subprocess

# README "Journal states" and Sources/FapiaoCore/Branch/{SyncState,OperationStatus}.swift: after a
# clean sync nothing is left pending, in flight or in doubt.
SETTLED_INVOICE_STATES = {"accepted", "conflict", "quarantined"}
SETTLED_OPERATION_STATES = {"accepted", "duplicate", "stale", "conflict", "rejected", "quarantined", "superseded"}


def _journal_rows(path):
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        invoices = db.execute("SELECT upper(id), sync_state FROM invoice").fetchall()
        operations = db.execute("SELECT upper(id), upper(invoice_id), status FROM operation").fetchall()
    return invoices, operations


def _centre_rows(central_sqlite=None, postgres_url=None):
    invoices_sql = "SELECT upper(id::text), branch, seller_tax_id, code, number FROM central_invoice"
    operations_sql = "SELECT upper(id::text) FROM central_operation"
    if central_sqlite:
        with sqlite3.connect(f"file:{central_sqlite}?mode=ro", uri=True) as db:
            invoices = db.execute(invoices_sql.replace("::text", "")).fetchall()
            operations = {row[0] for row in db.execute(operations_sql.replace("::text", ""))}
        return invoices, operations

    def psql(sql):
        out = subprocess.run(["psql", postgres_url, "-At", "-F", "\t", "-c", sql], check=True,
                             capture_output=True, text=True).stdout
        return [tuple(line.split("\t")) for line in out.splitlines() if line]

    return psql(invoices_sql), {row[0] for row in psql(operations_sql)}


def check(journals, central_sqlite=None, postgres_url=None, printed_ids=(), branches=None):
    """branches: the node ids whose rows at the centre are checked (default: all of them)."""
    details = []
    captured = {}
    refused = set()  # quarantined by the centre's refusal: rightly absent from it
    accepted_operations = set()
    bad_states = 0
    for path in journals:
        invoices, operations = _journal_rows(path)
        for invoice_id, state in invoices:
            captured[invoice_id] = path
            if state == "quarantined":
                refused.add(invoice_id)
            if state not in SETTLED_INVOICE_STATES:
                bad_states += 1
                details.append(f"{path}: invoice {invoice_id} left {state}")
        for operation_id, invoice_id, status in operations:
            if status not in SETTLED_OPERATION_STATES:
                bad_states += 1
                details.append(f"{path}: operation {operation_id} left {status}")
            if status in ("accepted", "duplicate"):
                accepted_operations.add(operation_id)
    centre_invoices, centre_operations = _centre_rows(central_sqlite, postgres_url)
    if branches is not None:
        centre_invoices = [row for row in centre_invoices if row[1] in set(branches)]
    at_centre = {row[0] for row in centre_invoices}
    lost = 0
    for invoice_id in sorted(set(captured) | {i.upper() for i in printed_ids}):
        if invoice_id not in at_centre and invoice_id not in refused:
            lost += 1
            details.append(f"invoice {invoice_id} captured but not at the centre")
    for operation_id in sorted(accepted_operations - centre_operations):
        lost += 1
        details.append(f"operation {operation_id} marked accepted but not at the centre")
    unknown = 0
    for invoice_id in sorted(at_centre - set(captured)):
        unknown += 1
        details.append(f"invoice {invoice_id} at the centre but captured by no branch checked")
    seen = {}
    duplicated = 0
    for invoice_id, branch, seller, code, number in centre_invoices:
        key = (branch, seller, code, number)
        if key in seen:
            duplicated += 1
            details.append(f"{branch} number {code}{number} held twice: {seen[key]} and {invoice_id}")
        seen[key] = invoice_id
    return {"lost": lost, "duplicated": duplicated, "unknown": unknown, "bad_states": bad_states, "details": details}
