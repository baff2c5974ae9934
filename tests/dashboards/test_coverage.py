"""Coverage held against a plain Python reading of the enterprises and dossiers: the
counts per unit, which enterprises have a gap, their order across pages, and the total,
for the board and for a district officer."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

import pytest
from sqlalchemy import select

from ldld_tracker.dashboards import coverage, queries
from ldld_tracker.extensions import db
from ldld_tracker.models import Dossier, Enterprise, Person, Role, Unit

from .. import factories
from .helpers import seeded_board

AS_OF = (date(2020, 3, 31), date(2020, 12, 15), date(2021, 9, 1))


@pytest.fixture
def seeded(app):
    return seeded_board(app, enterprises=40, members=600, dossiers=150, seed=5)


def _expected(as_of: date, unit_id: int | None = None):
    """(unit id -> [with union, nobody identified, no party organisation], gaps in order
    as (enterprise id, nobody identified, no party organisation))."""
    identified: dict[int, int] = defaultdict(int)
    for enterprise_id, day in db.session.execute(
            select(Person.enterprise_id, Dossier.identified_on)
            .join(Person, Person.id == Dossier.person_id)):
        if day is not None and day.year == as_of.year and day <= as_of:
            identified[enterprise_id] += 1
    counts: dict[int, list[int]] = {}
    gaps = []
    rows = db.session.execute(select(Enterprise, Unit.code).join(Unit, Unit.id == Enterprise.unit_id))
    for enterprise, _code in sorted(rows, key=lambda r: (r.code, r.Enterprise.sort_name, r.Enterprise.id)):
        if unit_id is not None and enterprise.unit_id != unit_id:
            continue
        if enterprise.union_founded_on is None or enterprise.union_founded_on > as_of:
            continue
        nobody = identified[enterprise.id] == 0
        no_org = not (enterprise.has_party_org and (enterprise.party_org_since is None
                                                     or enterprise.party_org_since <= as_of))
        row = counts.setdefault(enterprise.unit_id, [0, 0, 0])
        row[0] += 1
        row[1] += nobody
        row[2] += no_org
        if nobody or no_org:
            gaps.append((enterprise.id, nobody, no_org))
    return counts, gaps


def _pages(user, progress, size: int):
    """Every page of gaps in turn, and the first page's result."""
    first = coverage.coverage(user, progress, 1, size)
    gaps, page = list(first.gaps), 2
    while len(gaps) < first.gaps_total:
        result = coverage.coverage(user, progress, page, size)
        assert result.gaps and result.gaps_total == first.gaps_total
        gaps += result.gaps
        page += 1
    return first, gaps


@pytest.mark.parametrize(("as_of", "size"),
                         [(as_of, 4) for as_of in AS_OF] + [(AS_OF[-1], 1), (AS_OF[-1], 7)])
def test_counts_per_unit_and_every_gap_in_order_across_pages(seeded, as_of, size):
    counts, gaps = _expected(as_of)
    assert len(gaps) > 2 * size and any(nobody for _e, nobody, _o in gaps)
    progress = queries.progress_frame(seeded, as_of.year, as_of)
    first, shown = _pages(seeded, progress, size=size)
    assert {u.unit_id: [u.with_union, u.nobody_identified, u.no_party_org]
            for u in first.units} == counts
    assert [u.code for u in first.units] == sorted(u.code for u in first.units)
    assert first.gaps_total == len(gaps) and len(first.gaps) == size
    assert [(g.enterprise_id, g.nobody_identified, g.no_party_org) for g in shown] == gaps
    total = first.total
    assert [total.with_union, total.nobody_identified, total.no_party_org] == [
        sum(c[i] for c in counts.values()) for i in range(3)]


def test_a_page_past_the_end_is_empty_and_still_counts_every_gap(seeded):
    as_of = date(2021, 9, 1)
    _counts, gaps = _expected(as_of)
    progress = queries.progress_frame(seeded, as_of.year, as_of)
    result = coverage.coverage(seeded, progress, page=len(gaps) + 1, size=1)
    assert result.gaps == [] and result.gaps_total == len(gaps)
    assert result.units


def test_a_district_officer_sees_the_coverage_of_the_district_only(seeded):
    as_of = date(2021, 9, 1)
    unit = db.session.scalar(select(Unit).join(Enterprise, Enterprise.unit_id == Unit.id)
                             .order_by(Unit.code).limit(1))
    officer = factories.user(Role.DISTRICT, unit_obj=unit)
    counts, gaps = _expected(as_of, unit.id)
    progress = queries.progress_frame(officer, as_of.year, as_of)
    first, shown = _pages(officer, progress, size=2)
    assert [u.unit_id for u in first.units] == [unit.id]
    assert [first.units[0].with_union, first.units[0].nobody_identified,
            first.units[0].no_party_org] == counts[unit.id]
    assert [(g.enterprise_id, g.nobody_identified, g.no_party_org) for g in shown] == gaps
