"""What one dossier or member adds to the summary rows, computed from its values alone.

A dossier adds, for each milestone it has reached, ``("r", code, date)``; and for each day
it changes stage (``counting.stage_moves``) ``("s", entered, day)`` +1 and ``("s", left,
day)`` -1. Its stage on any day is then the sum of its ``s`` rows up to that day. A change
to a dossier removes what its old values added and adds what its new values add.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from types import SimpleNamespace

from ..workflow import counting
from ..workflow.rules import MILESTONES
from .periods import GRAINS, period_start

REACHED, STAGE = "r", "s"
# The dossier values its contribution depends on.
DOSSIER_FIELDS: tuple[str, ...] = tuple(m.date_field for m in MILESTONES) + ("end_kind", "ended_on")

Key = tuple[int, str, str, str, date]  # unit, kind, code, grain, period start


def snapshot(values: dict[str, object]) -> SimpleNamespace:
    """An object with a dossier's ``DOSSIER_FIELDS`` (what ``stage_of`` reads)."""
    return SimpleNamespace(**{name: values.get(name) for name in DOSSIER_FIELDS})


def dossier_events(dossier: object) -> list[tuple[str, str, date, int]]:
    """``(kind, code, day, count)`` for one dossier (anything with ``DOSSIER_FIELDS``)."""
    events = [(REACHED, m.code, on, 1) for m in MILESTONES
              if (on := getattr(dossier, m.date_field)) is not None]
    for day, left, entered in counting.stage_moves(dossier):
        if left != counting.NO_STAGE:
            events.append((STAGE, left, day, -1))
        events.append((STAGE, entered, day, 1))
    return events


def add_dossier(totals: Counter, unit_id: int, dossier: object, sign: int) -> None:
    """Add (``sign`` 1) or take away (-1) one dossier's rows of ``unit_id`` in ``totals``."""
    for kind, code, day, count in dossier_events(dossier):
        for grain in GRAINS:
            totals[(unit_id, kind, code, grain, period_start(grain, day))] += sign * count
