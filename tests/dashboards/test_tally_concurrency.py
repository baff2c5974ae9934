"""Officers saving at the same moment, each in their own connection and transaction, while
members move between units: the summaries end up equal to the records, and nobody's save
fails (no deadlock, no duplicate row), on SQLite and on PostgreSQL."""

from __future__ import annotations

import threading
import time
from datetime import date, timedelta

from sqlalchemy import select

from ldld_tracker import create_app
from ldld_tracker.extensions import db
from ldld_tracker.models import Dossier, Person, UnitTally
from ldld_tracker.reference import load_reference_data
from ldld_tracker.tally import upkeep

from .. import factories
from ..databases import private_database

WORKERS, SAVES = 3, 12


def _run_together(targets: list[tuple], errors: list[BaseException]) -> None:
    """Each ``(function, arguments)`` in its own thread, all at once; then no errors."""
    threads = [threading.Thread(target=function, args=args) for function, args in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert not errors, errors


def test_simultaneous_changes_in_one_unit_keep_the_summaries_equal_to_the_records():
    with private_database("ldld_tally_race") as url:
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "FIXED_TODAY": "2020-12-15"})
        with app.app_context():
            db.create_all()
            load_reference_data()
            home, other = factories.enterprise("643"), factories.enterprise("644")
            dossiers = [factories.dossier(factories.person(home), identified_on=date(2020, 1, 2))
                        for _ in range(WORKERS * SAVES)]
            movers = [factories.person(home) for _ in range(6)]
            for person in movers[:3]:
                factories.dossier(person, identified_on=date(2020, 2, 3), applied_on=date(2020, 3, 4))
            db.session.commit()
            dossier_ids = [d.id for d in dossiers]
            mover_ids, targets = [p.id for p in movers], (other.id, home.id)
        errors: list[BaseException] = []

        def save(worker: int) -> None:
            with app.app_context():
                try:
                    for n in range(SAVES):
                        dossier = db.session.get(Dossier, dossier_ids[worker * SAVES + n])
                        dossier.trained_on = date(2020, 3, 1) + timedelta(days=worker + n)
                        dossier.certificate_no = f"CN-{worker}-{n}"
                        db.session.commit()
                        dossier.applied_on = date(2020, 4, 1) + timedelta(days=n)
                        db.session.commit()
                except BaseException as error:  # noqa: BLE001 - reported by the test below
                    errors.append(error)
                finally:
                    db.session.remove()

        def move() -> None:
            with app.app_context():
                try:
                    for round_ in range(4):
                        for person_id in mover_ids:
                            db.session.get(Person, person_id).enterprise_id = targets[round_ % 2]
                            db.session.commit()
                except BaseException as error:  # noqa: BLE001
                    errors.append(error)
                finally:
                    db.session.remove()

        _run_together([(save, (w,)) for w in range(WORKERS)] + [(move, ())], errors)
        with app.app_context():
            assert upkeep.differences(db.session.connection()) == []
            db.session.remove()
            db.engine.dispose()


def test_two_first_identifications_saved_at_once_in_one_enterprise_count_it_once():
    """Coverage counts an enterprise once it has somebody identified in the year, whatever
    the number of dossiers: the second officer's save waits for the first one's to commit,
    then reads it, and adds nothing. (Without the lock both would add the enterprise.)"""
    with private_database("ldld_tally_first") as url:
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "FIXED_TODAY": "2020-12-15"})
        with app.app_context():
            db.create_all()
            load_reference_data()
            home = factories.enterprise("643", union_founded_on=date(2019, 5, 1))
            people = [factories.person(home), factories.person(home)]
            db.session.commit()
            person_ids = [p.id for p in people]
        first_flushed = threading.Event()
        errors: list[BaseException] = []

        def identify(index: int) -> None:
            with app.app_context():
                try:
                    if index == 1:
                        assert first_flushed.wait(timeout=60)
                    db.session.add(Dossier(person=db.session.get(Person, person_ids[index]),
                                           identified_on=date(2020, 3, 1 + index)))
                    db.session.flush()
                    if index == 0:
                        first_flushed.set()
                        time.sleep(0.5)  # the second save starts while this one is open
                    db.session.commit()
                except BaseException as error:  # noqa: BLE001 - reported by the test below
                    errors.append(error)
                    first_flushed.set()
                finally:
                    db.session.remove()

        _run_together([(identify, (i,)) for i in range(2)], errors)
        with app.app_context():
            rows = db.session.execute(select(UnitTally.code, UnitTally.n).where(
                UnitTally.kind == "c", UnitTally.grain == "a")).all()
            assert sorted(rows) == [("identified:2020", 1), ("union", 1)]
            assert upkeep.differences(db.session.connection()) == []
            db.session.remove()
            db.engine.dispose()
