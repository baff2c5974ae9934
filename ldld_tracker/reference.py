"""Reference data: loading it from ``seed_data/`` and matching what people type to it."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

from sqlalchemy import select

from .extensions import db
from .models import EthnicGroup, IndustrialZone, Plan, Religion, Unit, UnitKind, ZoneKind
from .text import ref_key

SEED_DIR = Path(__file__).resolve().parent.parent / "seed_data"
# Words in front of a unit's name that people write or leave out.
UNIT_PREFIXES = ("thanh pho", "thi xa", "huyen", "tp", "tx", "h")
# What ``load_reference_data`` fills.
REFERENCE_MODELS = (Unit, IndustrialZone, EthnicGroup, Religion, Plan)


def _rows(name: str) -> list[dict[str, str]]:
    with open(SEED_DIR / name, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _upsert(model: type, key: str, values: dict) -> object:
    obj = db.session.scalar(select(model).where(getattr(model, key) == values[key]))
    if obj is None:
        obj = model(**values)
        db.session.add(obj)
    else:
        for name, value in values.items():
            setattr(obj, name, value)
    return obj


def _day(text: str) -> date | None:
    return date.fromisoformat(text) if text else None


def load_reference_data() -> dict[str, int]:
    """Insert or update the territory, zones, ethnic groups, religions and plans from
    ``seed_data/``. Running it again changes nothing."""
    counts: dict[str, int] = {}
    units: dict[str, Unit] = {}
    for row in _rows("units.csv"):
        parent = units.get(row["parent"]) if row["parent"] else None
        units[row["code"]] = _upsert(Unit, "code", {
            "code": row["code"], "name": row["name"], "kind": UnitKind(row["kind"]),
            "parent": parent, "valid_from": _day(row["valid_from"]),
            "valid_to": _day(row["valid_to"]), "aliases": row["aliases"],
        })
    counts["units"] = len(units)
    db.session.flush()
    zones = _rows("industrial_zones.csv")
    for row in zones:
        _upsert(IndustrialZone, "name", {
            "name": row["name"], "kind": ZoneKind(row["kind"]), "unit": units[row["unit"]]})
    counts["industrial_zones"] = len(zones)
    groups = _rows("ethnic_groups.csv")
    for row in groups:
        _upsert(EthnicGroup, "code", {
            "code": row["code"], "name": row["name"],
            "is_minority": row["is_minority"] == "1", "aliases": row["aliases"]})
    counts["ethnic_groups"] = len(groups)
    religions = _rows("religions.csv")
    for row in religions:
        _upsert(Religion, "code", {
            "code": row["code"], "name": row["name"], "aliases": row["aliases"]})
    counts["religions"] = len(religions)
    plans = _rows("plans.csv")
    for row in plans:
        existing = db.session.scalar(select(Plan).where(Plan.year == int(row["year"])))
        if existing is None:  # a plan the board has since edited is left as it is
            db.session.add(Plan(
                year=int(row["year"]), number=row["number"], issuing_body=row["issuing_body"],
                issued_on=date.fromisoformat(row["issued_on"]), target=int(row["target"]),
                unit=units[row["unit"]]))
    counts["plans"] = len(plans)
    db.session.flush()
    return counts


def _names(name: str, aliases: str) -> list[str]:
    return [name, *filter(None, (a.strip() for a in aliases.split("|")))]


def unit_key(text: str | None) -> str:
    """Key of a unit name without "Huyện", "TP.", "Thị xã" … in front."""
    key = ref_key(text)
    for prefix in UNIT_PREFIXES:
        compact = prefix.replace(" ", "")
        if key.startswith(compact) and len(key) > len(compact) + 2:
            return key[len(compact):]
    return key


class Matcher:
    """Finds closed-list rows by any of their spellings; built once per import or form."""

    def __init__(self) -> None:
        self.units: dict[str, Unit] = {}
        for unit in db.session.scalars(select(Unit)):
            for name in _names(unit.name, unit.aliases):
                self.units.setdefault(unit_key(name), unit)
            self.units.setdefault(ref_key(unit.code), unit)
        self.ethnic_groups: dict[str, EthnicGroup] = {}
        for group in db.session.scalars(select(EthnicGroup)):
            for name in _names(group.name, group.aliases):
                self.ethnic_groups.setdefault(ref_key(name), group)
        self.religions: dict[str, Religion] = {}
        for religion in db.session.scalars(select(Religion)):
            for name in _names(religion.name, religion.aliases):
                self.religions.setdefault(ref_key(name), religion)
        self.zones: dict[str, IndustrialZone] = {}
        for zone in db.session.scalars(select(IndustrialZone)):
            self.zones[ref_key(zone.name)] = zone
            bare = ref_key(zone.name.split(" ", 1)[1]) if " " in zone.name else ""
            if bare:
                self.zones.setdefault(bare, zone)

    def unit(self, text: str | None) -> Unit | None:
        return self.units.get(unit_key(text)) or self.units.get(ref_key(text))

    def ethnic_group(self, text: str | None) -> EthnicGroup | None:
        return self.ethnic_groups.get(ref_key(text))

    def religion(self, text: str | None) -> Religion | None:
        return self.religions.get(ref_key(text))

    def zone(self, text: str | None) -> IndustrialZone | None:
        key = ref_key(text)
        for prefix in ("khucongnghiep", "cumcongnghiep", "kcn", "ccn"):
            if key.startswith(prefix) and key[len(prefix):] in self.zones:
                return self.zones[key[len(prefix):]]
        return self.zones.get(key)
