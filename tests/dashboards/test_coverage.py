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


def _counts_of(result) -> dict[int, list[int]]:
    return {u.unit_id: [u.with_union, u.nobody_identified, u.no_party_org] for u in result.units}


def test_the_counts_follow_every_change_saved_through_the_application(seeded):
    """The board's counts (read from the summary rows kept with each save) stay equal to
    a reading of the records after unions are founded, dated later or removed, party organisations
    come and go, identifications move between years or are deleted, people move to
    another unit's enterprise, and enterprises are added or deleted."""
    as_of = date(2021, 9, 1)
    progress = queries.progress_frame(seeded, as_of.year, as_of)
    before = coverage.coverage(seeded, progress, 1, 5)
    enterprises = db.session.scalars(select(Enterprise).order_by(Enterprise.id)).all()
    with_union = [e for e in enterprises if e.union_founded_on is not None]
    with_union[0].union_founded_on = date(2021, 10, 1)  # after the day: no longer counted
    with_union[4].union_founded_on = None  # (recorded by mistake)
    with_union[1].has_party_org, with_union[1].party_org_since = True, date(2021, 2, 1)
    with_union[2].has_party_org = False
    db.session.commit()
    dossiers = db.session.scalars(select(Dossier).where(Dossier.identified_on.is_not(None))
                                  .order_by(Dossier.id)).all()
    dossiers[0].identified_on = date(2021, 8, 31)
    dossiers[1].identified_on = date(2020, 1, 5)
    db.session.delete(dossiers[2])
    db.session.commit()
    elsewhere = next(e for e in with_union if e.unit_id != dossiers[3].person.enterprise.unit_id)
    dossiers[3].person.enterprise = elsewhere
    db.session.commit()
    newcomer = factories.enterprise("657", union_founded_on=date(2021, 1, 1), has_party_org=True)
    factories.dossier(factories.person(newcomer), identified_on=date(2021, 4, 4))
    short_lived = factories.enterprise("657", union_founded_on=date(2020, 6, 1))
    db.session.commit()
    db.session.delete(short_lived)
    db.session.commit()
    counts, gaps = _expected(as_of)
    after, shown = _pages(seeded, progress, size=5)
    assert _counts_of(after) == counts != _counts_of(before)
    assert [(g.enterprise_id, g.nobody_identified, g.no_party_org) for g in shown] == gaps


def test_an_enterprise_officer_sees_their_enterprise_counted_from_the_records(seeded):
    """An enterprise officer sees part of a unit only: their enterprise's coverage is read
    from the enterprise itself, and agrees with the records."""
    as_of = date(2021, 9, 1)
    _counts, gaps = _expected(as_of)
    enterprise_id, nobody, no_org = gaps[0]
    mine = db.session.get(Enterprise, enterprise_id)
    officer = factories.user(Role.ENTERPRISE, enterprise_obj=mine)
    result = coverage.coverage(officer, queries.progress_frame(officer, as_of.year, as_of), 1, 5)
    assert _counts_of(result) == {mine.unit_id: [1, int(nobody), int(no_org)]}
    assert [(g.enterprise_id, g.nobody_identified, g.no_party_org) for g in result.gaps] == [
        (enterprise_id, nobody, no_org)]
