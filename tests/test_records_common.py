"""What a new object reads before its deferred flush (``fill_defaults``) is what the flush
writes: the column defaults, None where there is none, and whatever was set before (the
flush itself gives the id, the version and the times)."""

from __future__ import annotations

from sqlalchemy import inspect, select

from ldld_tracker.extensions import db
from ldld_tracker.models import Dossier
from ldld_tracker.records._common import fill_defaults

from . import factories


def test_a_new_object_reads_before_its_flush_what_the_flush_writes(app):
    person = factories.person()
    dossier = Dossier(person=person, party_cell="Chi bộ Công ty")
    db.session.add(dossier)
    fill_defaults(dossier)
    before = {attr.key: getattr(dossier, attr.key) for attr in inspect(Dossier).column_attrs
              # (the keys the flush takes from the person and the counters it sets)
              if attr.key not in ("id", "person_id", "enterprise_id", "version", "created_at",
                                  "updated_at")}
    assert before["party_cell"] == "Chi bộ Công ty"  # set before: kept
    assert before["note"] == "" and before["cell_is_grassroots"] is False
    assert before["admitted_on"] is None

    db.session.flush()
    db.session.expire_all()
    stored = db.session.scalar(select(Dossier).where(Dossier.id == dossier.id))
    assert {key: getattr(stored, key) for key in before} == before


def test_a_later_change_to_a_default_is_written(app):
    dossier = Dossier(person=factories.person())
    db.session.add(dossier)
    fill_defaults(dossier)
    dossier.note = "Đã gặp"
    dossier.admitted_on = None
    db.session.flush()
    db.session.expire_all()
    assert db.session.get(Dossier, dossier.id).note == "Đã gặp"
