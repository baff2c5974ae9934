"""Dossiers for the scale data set, spread over several years.

The demo tells the story of one year; here a dossier's key date falls anywhere between
the first year and the last day, and its stage follows from how long ago that was: an
admission more than a probation ago is mostly recognised as official by now, a recent
one still waits for its ceremony. The dates themselves come from the demo's builder
(``demo.dossiers._Builder``, ``_details``, ``_cell``), so every dossier keeps the same
rules as the demo's: steps after the steps they need, ages, certificates, votes,
introducers.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from ..models import EndKind
from ..workflow.calendar import add_months, add_working_days
from . import dossiers as demo_dossiers
from .dossiers import DossierSpec, _Builder, _cell, _day_between, _details, _pick, _sworn_after
from .enterprises import EnterpriseSpec
from .people import PersonSpec

# What happens to a dossier (on the path to admission, stopped on the way, or ended).
KINDS = (("path", 52), ("open", 28), ("withdrawn", 11), ("not_admitted", 6), ("removed", 3))
OPEN_STAGES = tuple((s, n) for s, n in demo_dossiers.STAGE_PLAN
                    if s in ("identified", "trained", "applied", "verified", "introduced",
                             "cell_resolved", "committee_resolved"))
RECOGNISED_SHARE = 0.95  # admissions past their probation that are recognised by now


def _recent_day(rng: random.Random, start: date, end: date) -> date:
    """A day between ``start`` and ``end``, more often near ``end`` (open dossiers are
    mostly recent; a few have waited for years)."""
    return end - timedelta(days=int((end - start).days * rng.random() ** 2))


def _path(rng: random.Random, builder: _Builder, first: date, as_of: date) -> None:
    """An admission somewhere in the years, and as far along as the time since allows."""
    dates = builder.dates
    admitted = _day_between(rng, first, as_of - timedelta(days=1))
    builder.admission(admitted)
    if (as_of - admitted).days < 45 and rng.random() < 0.5:
        return
    sworn = dates["sworn_in"] = _sworn_after(rng, admitted, as_of)
    probation_end = add_months(sworn, 12)
    if probation_end < as_of and rng.random() < RECOGNISED_SHARE:
        dates["official"] = min(add_working_days(probation_end, rng.randint(0, 25)), as_of)


def _removed(rng: random.Random, builder: _Builder, first: date, as_of: date) -> None:
    dates, values = builder.dates, builder.spec.values
    admitted = _day_between(rng, date(first.year - 1, 8, 1), as_of - timedelta(days=150))
    builder.admission(admitted)
    last = admitted
    if rng.random() < 0.9:
        last = dates["sworn_in"] = _sworn_after(rng, admitted, as_of)
    start = max(date(first.year, 1, 1), last + timedelta(days=60))
    ended = _day_between(rng, start, min(as_of, add_months(last, 12) - timedelta(days=1)))
    values.update(end_kind=EndKind.REMOVED, ended_on=ended,
                  end_reason=rng.choice(demo_dossiers.REMOVED_REASONS))


def _ended_early(rng: random.Random, builder: _Builder, kind: str, first: date, as_of: date) -> None:
    """Withdrawn, or not admitted, some time after the step it stopped at."""
    ended = _day_between(rng, first, as_of)
    before = _pick(rng, demo_dossiers.WITHDRAWN_BEFORE if kind == "withdrawn"
                   else demo_dossiers.NOT_ADMITTED_BEFORE)
    if before == "committee_resolved" and builder.spec.cell_is_grassroots:
        before = "cell_resolved"
    builder.dates[before] = ended - timedelta(days=rng.randint(5, 150))
    builder.before(before)
    if kind == "withdrawn":
        reason = rng.choice(demo_dossiers.WITHDRAWN_REASONS)
    else:
        late = before in ("cell_resolved", "committee_resolved")
        reason = rng.choice(demo_dossiers.NOT_ADMITTED_LATE if late
                            else demo_dossiers.NOT_ADMITTED_EARLY)
    builder.spec.values.update(end_kind=EndKind(kind), ended_on=ended, end_reason=reason)


def plan_dossier(rng: random.Random, person_index: int, person: PersonSpec,
                 enterprise: EnterpriseSpec, first: date, as_of: date) -> DossierSpec:
    """One dossier for ``person``, its dates between about ``first`` and ``as_of``."""
    kind = _pick(rng, KINDS)
    stage = _pick(rng, OPEN_STAGES) if kind == "open" else kind
    cell, grassroots = _cell(rng, enterprise, enterprise.unit_code, stage == "committee_resolved")
    spec = DossierSpec(person_index, cell, grassroots)
    builder = _Builder(rng, spec, person, enterprise.unit_code)
    if kind == "path":
        _path(rng, builder, first, as_of)
    elif kind == "removed":
        _removed(rng, builder, first, as_of)
    elif kind in ("withdrawn", "not_admitted"):
        _ended_early(rng, builder, kind, first, as_of)
    else:
        builder.dates[stage] = _recent_day(rng, first, as_of)
        builder.before(stage)
    _details(rng, builder)
    earliest = min(builder.dates.values())
    person.union_joined_on = min(person.union_joined_on,
                                 earliest - timedelta(days=rng.randint(60, 700)))
    return spec
