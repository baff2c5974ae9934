"""One row of the dossiers workbook: the person, their one dossier, each milestone.

The person is matched by citizen ID, so a member who moved to another enterprise keeps
one file. Milestones are recorded in path order through ``record_milestone``, so the
needs, the dates' order, the age, the introducers, the votes and the roles that may
record each step are checked exactly as on the form. A milestone already recorded with
the same date and details is left alone (importing a file twice changes nothing); an
empty cell never removes anything.

Rows come in chunks (see ``importer``): the chunk's people, with their dossiers and
introducers, and which of them are in the officer's area, are looked up in two queries,
and the operations are told not to flush; the importer flushes the chunk once. In a
preview the new people and their dossiers are not even added to the session: the importer
writes them by plain INSERTs (see ``importer._insert_new_rows``).
"""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.attributes import set_committed_value

from .. import access, clock
from ..errors import OperationRefused
from ..extensions import db
from ..models import Dossier, Enterprise, Person
from ..records._common import apply_changes
from ..records.people import create_person, update_person
from ..workflow.checks import IntroducerEntry, MilestoneEntry, recorded_on
from ..workflow.operations import open_dossier, record_milestone
from ..workflow.rules import MILESTONES, Milestone, rule_values
from .importer import RowHandler, RowRefused

PERSON_OPTIONAL = ("phone", "union_joined_on", "youth_union_member")
DOSSIER_FIELDS = ("party_cell", "cell_is_grassroots", "note")


class DossierRows(RowHandler):
    FIELD_COLUMNS = {"ethnic_group_id": "ethnic_group", "religion_id": "religion",
                     "enterprise_id": "tax_code"}
    BATCHED = True

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.enterprises: dict[str, Enterprise | None] = {}
        self.today = clock.today()
        self.rules = rule_values()
        # For the chunk being applied: its people by citizen ID (whoever can see them),
        # and the ids of those in the actor's area.
        self.people: dict[str, Person] = {}
        self.in_scope: set[int] = set()
        # The new people (with their dossiers) the chunk keeps out of the session.
        self.new_people: list[Person] = []

    def prepare(self, chunk: list[dict[str, object]]) -> None:
        self._prepare_enterprises({str(v["tax_code"]) for v in chunk})
        citizen_ids = sorted({str(v["citizen_id"]) for v in chunk})
        if not citizen_ids:
            return
        self.people = {p.citizen_id: p for p in db.session.scalars(
            select(Person).where(Person.citizen_id.in_(citizen_ids))
            .options(selectinload(Person.dossier).selectinload(Dossier.introducers)))}
        if self.people:
            self.in_scope = {p.id for p in db.session.scalars(
                access.people(self.actor).where(Person.citizen_id.in_(list(self.people))))}

    def forget(self) -> None:
        self.people, self.in_scope, self.new_people = {}, set(), []

    def kept_out(self) -> list[object]:
        dossiers = [p.dossier for p in self.new_people if p.dossier is not None]
        return [*self.new_people, *dossiers, *(i for d in dossiers for i in d.introducers)]

    def _prepare_enterprises(self, tax_codes: set[str]) -> None:
        """Look up, in one query, the chunk's tax codes not looked up before (each is
        remembered for the whole import, found or not)."""
        unknown = sorted(tax_codes - self.enterprises.keys())
        if not unknown:
            return
        found = {e.tax_code: e for e in db.session.scalars(
            access.enterprises(self.actor).where(Enterprise.tax_code.in_(unknown)))}
        for tax_code in unknown:
            self.enterprises[tax_code] = found.get(tax_code)

    def _enterprise(self, tax_code: str) -> Enterprise | None:
        if tax_code not in self.enterprises:
            self.enterprises[tax_code] = db.session.scalar(
                access.enterprises(self.actor).where(Enterprise.tax_code == tax_code))
        return self.enterprises[tax_code]

    def _person(self, citizen_id: str) -> tuple[Person | None, bool]:
        """The person with this citizen ID, if any, and whether the actor may see them."""
        if self.batch:
            person = self.people.get(citizen_id)
            return person, person is not None and person.id in self.in_scope
        person = db.session.scalar(select(Person).where(Person.citizen_id == citizen_id))
        return person, person is not None and db.session.scalar(
            access.people(self.actor).where(Person.id == person.id)) is not None

    def _person_values(self, v: dict[str, object], enterprise: Enterprise) -> dict[str, object]:
        values: dict[str, object] = {
            "full_name": v["full_name"], "birth_date": v["birth_date"], "sex": v["sex"],
            "ethnic_group_id": v["ethnic_group"].id, "citizen_id": v["citizen_id"],
            "enterprise_id": enterprise.id, "role_category": v["role_category"]}
        values.update({key: v[key] for key in PERSON_OPTIONAL if key in v})
        if "religion" in v:
            values["religion_id"] = v["religion"].id if v["religion"] else None
        if "education" in v:
            values["education"], qualification = v["education"]
            if qualification:
                values["qualification"] = qualification
        return values

    def apply(self, v: dict[str, object]) -> str:
        citizen_id = str(v["citizen_id"])
        if citizen_id in self.seen:
            raise RowRefused(("citizen_id", _("This citizen ID is also on row %(row)s.",
                                              row=self.seen[citizen_id])))
        self.seen[citizen_id] = self.row.number
        enterprise = self._enterprise(str(v["tax_code"]))
        if enterprise is None:
            raise RowRefused(("tax_code", _(
                "No enterprise with tax code %(code)s in your area: import or add it first.",
                code=v["tax_code"])))
        person, visible = self._person(citizen_id)
        if person is not None and not visible:
            raise RowRefused(("citizen_id", _("This citizen ID belongs to a member recorded "
                                              "outside your area.")))
        values = self._person_values(v, enterprise)
        # In a chunk the citizen ID was looked up among all people just above (and the
        # earlier rows of the file are in ``seen``): the operations need not look again.
        flush, checked = not self.batch, self.batch
        add = person is not None or not self.keeps_out
        if person is None:
            person, status = create_person(values, self.actor, flush=flush,
                                           unique_checked=checked, add=add), "new"
            if not add:
                self.new_people.append(person)
        else:
            status = "changed" if update_person(person, values, self.actor, flush=flush,
                                                unique_checked=checked) else "unchanged"
        details = {key: v[key] for key in DOSSIER_FIELDS if key in v}
        dossier = None if status == "new" else person.dossier
        if dossier is None:
            dossier = open_dossier(person, self.actor, flush=flush, add=add, **details)
            set_committed_value(dossier, "introducers", [])  # new: nothing to load
            status = "new" if status == "new" else "changed"
        elif apply_changes(dossier, details, DOSSIER_FIELDS, self.actor, "dossier.update",
                           flush=flush):
            status = "changed"
        for milestone in MILESTONES:
            if self._milestone(dossier, milestone, v) and status == "unchanged":
                status = "changed"
        return status

    def _introducers(self, dossier: Dossier, v: dict[str, object]) -> list[IntroducerEntry]:
        if "introducer_name" not in v:
            return [IntroducerEntry(i.full_name, i.is_official_member, i.worked_together_since,
                                    i.party_unit) for i in dossier.introducers]
        if "introducer_since" not in v:
            raise RowRefused(("introducer_name", _(
                "Give the date since when this party member has worked with the applicant.")))
        return [IntroducerEntry(str(v["introducer_name"]), True, v["introducer_since"])]

    def _milestone(self, dossier: Dossier, milestone: Milestone, v: dict[str, object]) -> bool:
        """Record one milestone if the row gives it and it differs; True if recorded."""
        on = v.get(milestone.date_field)
        if on is None:
            return False
        given = {name: v[name] for name in milestone.detail_fields if name in v}
        current = recorded_on(dossier, milestone.code)
        introducers = (self._introducers(dossier, v) if milestone.code == "introduced" else [])
        same_introducers = milestone.code != "introduced" or [
            (i.full_name, i.worked_together_since) for i in introducers] == [
            (i.full_name, i.worked_together_since) for i in dossier.introducers]
        if (current == on and same_introducers
                and all(getattr(dossier, name) == value for name, value in given.items())):
            return False
        details = {name: given.get(name, getattr(dossier, name))
                   for name in milestone.detail_fields}
        entry = MilestoneEntry(milestone.code, on, details, introducers)
        reason = _("Corrected by a workbook import.") if current is not None else ""
        try:
            findings = record_milestone(dossier, entry, self.actor, self.today, reason,
                                        flush=not self.batch, rules=self.rules)
        except OperationRefused as refused:
            raise RowRefused(*((milestone.date_field, m) for m in refused.messages)) from None
        for finding in findings:
            self.problem(milestone.date_field, finding.message, warning=True)
        return True
