"""A chunk of rows costs the same few SQL statements however many rows it holds: the
lookups are made once per chunk, and each table's new rows are written together."""

from __future__ import annotations

import re
from collections import Counter

from ldld_tracker.excel import importer
from ldld_tracker.excel.importer import run_import
from ldld_tracker.extensions import db
from ldld_tracker.models import Role

from .. import factories
from ..dashboards.helpers import SUMMARY_TABLES, count_queries, writes_summaries
from .helpers import INTRODUCED, PATH_HEADERS, PERSON_HEADERS, person_row, write

# The summaries' upserts (ldld_tracker.tally) send one row per summary key a chunk touches,
# in statements of up to 2,000 rows: how many depends on the dates, not on this import;
# they are counted apart (``writes_summaries``).
_TABLE = re.compile(r"\b(?:FROM|INTO|UPDATE)\s+\"?(\w+)", re.IGNORECASE)


def _statements(tmp_path, rows: int, apply: bool = False) -> tuple[Counter, int]:
    """The statements of an import of ``rows`` new members, each of an enterprise of its
    own (a lookup per row or per enterprise would show), by verb and first table named;
    and how many wrote the summary tables."""
    officer = factories.user(Role.DISTRICT, unit_obj=factories.unit("643"))
    tax_codes = [factories.enterprise("643").tax_code for _ in range(rows)]
    db.session.commit()
    path = write(tmp_path / f"new-{rows}.xlsx", [PERSON_HEADERS + PATH_HEADERS, *[
        person_row(f"{rows:03d}{n:09d}", tax_codes[n], name=f"Lê Văn Đếm {n}") + INTRODUCED
        for n in range(rows)]])
    with count_queries() as statements:
        result = run_import("dossiers", path, officer, apply=apply)
    seen: Counter = Counter()
    for statement in statements:
        table = _TABLE.search(statement)
        name = table.group(1).lower() if table else ""
        if name not in SUMMARY_TABLES:
            seen[(statement.split(None, 1)[0].upper(), name)] += 1
    summaries = sum(map(writes_summaries, statements))
    assert result.ok and result.new == rows and result.applied == apply
    return seen, summaries


def test_the_statements_of_a_chunk_do_not_grow_with_its_rows(app, tmp_path):
    assert importer.CHUNK >= 150
    few, _summaries = _statements(tmp_path, 5)
    many, _summaries = _statements(tmp_path, 150)
    assert many == few
    # One lookup of the chunk's enterprises, one insert of each table's new rows.
    assert few[("SELECT", "enterprise")] == 1
    assert few[("INSERT", "person")] == few[("INSERT", "dossier")] == 1


def test_a_preview_writes_no_audit_entries_and_no_summaries(app, tmp_path):
    """A preview is rolled back: what exists only to be committed is not even written."""
    statements, summaries = _statements(tmp_path, 5)
    assert statements[("INSERT", "audit_entry")] == 0
    assert summaries == 0


def test_an_applied_chunk_writes_its_audit_entries_together_and_the_summaries_at_the_end(
        app, tmp_path):
    few, few_summaries = _statements(tmp_path, 5, apply=True)
    many, many_summaries = _statements(tmp_path, 150, apply=True)
    assert many == few
    # The chunk's entries in one insert, the import's own entry with the commit.
    assert few[("INSERT", "audit_entry")] == 2
    # The same dates: as many summary rows, written once at the commit.
    assert 0 < many_summaries == few_summaries
