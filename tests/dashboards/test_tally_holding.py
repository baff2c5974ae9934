"""Summary changes held back over a long transaction (an import) are written once, when it
commits, in it; a savepoint rolled back, or the whole transaction, takes its held changes
with it; a dry run works none out and cannot commit."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from ldld_tracker.extensions import db
from ldld_tracker.models import UnitMembers, UnitTally
from ldld_tracker.tally import holding, upkeep

from .. import factories
from .helpers import admitted, count_queries, writes_summaries


def _agree() -> None:
    assert upkeep.differences(db.session.connection()) == []


def _holds_anything() -> bool:
    held = db.session.info[upkeep.HELD]
    return any(held.layers)


def _admitted_rows() -> int:
    """Admissions counted by the summaries (the day rows of milestone 8)."""
    return db.session.scalar(select(func.coalesce(func.sum(UnitTally.n), 0)).where(
        UnitTally.kind == "r", UnitTally.code == "admitted", UnitTally.grain == "d")) or 0


def test_held_changes_are_written_once_by_the_commit(app):
    enterprise = factories.enterprise("643")
    db.session.commit()
    with count_queries() as statements, holding.holding(db.session):
        for day in (3, 4, 5):
            admitted(date(2020, 6, day), enterprise)
            db.session.flush()
        assert not any(map(writes_summaries, statements))
        assert _admitted_rows() == 0  # nothing yet, in this very transaction
        db.session.commit()
    assert any(map(writes_summaries, statements))
    assert _admitted_rows() == 3
    assert db.session.scalar(select(UnitMembers.people)) == 3
    _agree()


def test_a_savepoint_rolled_back_takes_its_held_changes_with_it(app):
    enterprise = factories.enterprise("643")
    db.session.commit()
    with holding.holding(db.session):
        with holding.savepoint(db.session):
            admitted(date(2020, 6, 1), enterprise)
            db.session.flush()
        with pytest.raises(LookupError), holding.savepoint(db.session):
            admitted(date(2020, 6, 2), enterprise)
            admitted(date(2020, 6, 3), enterprise)
            db.session.flush()
            raise LookupError("refused")
        with holding.savepoint(db.session):
            with holding.savepoint(db.session):  # nested twice, kept
                admitted(date(2020, 6, 4), enterprise)
                db.session.flush()
        db.session.commit()
    assert _admitted_rows() == 2
    _agree()


def test_a_transaction_rolled_back_drops_what_it_held(app):
    enterprise = factories.enterprise("643")
    db.session.commit()
    with holding.holding(db.session):
        admitted(date(2020, 6, 1), enterprise)
        db.session.flush()
        db.session.rollback()
        admitted(date(2020, 6, 2), factories.enterprise("643"))
        db.session.commit()
    assert _admitted_rows() == 1
    _agree()


def test_a_dry_run_works_out_no_summaries_and_cannot_commit(app):
    enterprise = factories.enterprise("643")
    db.session.commit()
    with count_queries() as statements, holding.holding(db.session, dry_run=True):
        admitted(date(2020, 6, 1), enterprise)
        db.session.flush()
        assert not _holds_anything()
        with pytest.raises(RuntimeError):
            db.session.commit()
        db.session.rollback()
    assert not any(map(writes_summaries, statements))
    _agree()


def test_holding_twice_is_a_mistake(app):
    with holding.holding(db.session), pytest.raises(RuntimeError):
        with holding.holding(db.session):
            pass
    assert upkeep.HELD not in db.session.info


def test_a_bare_savepoint_is_refused_while_changes_are_held(app):
    """Its rollback would leave its flushes' changes held: refused, not silently wrong."""
    with holding.holding(db.session):
        with pytest.raises(RuntimeError):
            db.session.begin_nested()
        db.session.rollback()
    with db.session.begin_nested():  # nothing held: as usual
        factories.enterprise("643")
    db.session.commit()
