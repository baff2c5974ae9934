"""A dossier's enterprise is its person's, kept so by the database (the foreign key on
(person, enterprise), ``models.dossier``): the dashboards scope and group dossiers by
it without reading the people."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from ldld_tracker.extensions import db
from ldld_tracker.models import Dossier, Education, Person, RoleCategory, Sex

from . import factories


def _stored_enterprise(dossier: Dossier) -> int:
    return db.session.scalar(select(Dossier.enterprise_id).where(Dossier.id == dossier.id))


def test_a_new_dossier_is_in_its_persons_enterprise(app):
    person = factories.person()
    dossier = factories.dossier(person)
    assert dossier.enterprise_id == person.enterprise_id
    assert _stored_enterprise(dossier) == person.enterprise_id


def test_a_dossier_made_with_its_new_person_in_one_flush_takes_the_persons_enterprise(app):
    enterprise = factories.enterprise()
    person = Person(full_name="Lê Thị Mới", birth_date=date(1995, 1, 1), sex=Sex.FEMALE,
                    citizen_id="066199500001", role_category=RoleCategory.WORKER,
                    education=Education.UPPER_SECONDARY, ethnic_group=factories.ethnic(),
                    enterprise=enterprise)
    dossier = Dossier(person=person)
    db.session.add(dossier)
    db.session.flush()
    assert _stored_enterprise(dossier) == enterprise.id


def test_a_person_moved_to_another_enterprise_takes_their_dossier_along(app):
    person = factories.person()
    dossier = factories.dossier(person)
    other = factories.enterprise("644")
    person.enterprise = other
    db.session.flush()
    assert _stored_enterprise(dossier) == other.id
    # (also when the move is one plain UPDATE, as a bulk transfer would write it)
    first = factories.enterprise()
    db.session.execute(update(Person).where(Person.id == person.id).values(enterprise_id=first.id))
    assert _stored_enterprise(dossier) == first.id


def test_a_dossier_in_another_enterprise_than_its_persons_is_refused(app):
    dossier = factories.dossier()
    other = factories.enterprise()
    with pytest.raises(IntegrityError), db.session.begin_nested():
        db.session.execute(update(Dossier).where(Dossier.id == dossier.id)
                           .values(enterprise_id=other.id))
    assert _stored_enterprise(dossier) == dossier.person.enterprise_id
