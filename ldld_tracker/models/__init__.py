"""The data model, one module per aggregate."""

from .audit import AuditEntry
from .dossier import Dossier, EndKind, Introducer
from .enterprise import Enterprise, Ownership
from .member import Education, Person, RoleCategory, Sex
from .plan import EnterpriseTarget, Plan, ReportedTotal, UnitTarget
from .reference import EthnicGroup, Religion
from .setting import Setting
from .territory import IndustrialZone, Unit, UnitKind, ZoneKind
from .throttle import LoginThrottle
from .user import Role, User

__all__ = [
    "AuditEntry",
    "Dossier",
    "Education",
    "EndKind",
    "Enterprise",
    "EnterpriseTarget",
    "EthnicGroup",
    "IndustrialZone",
    "LoginThrottle",
    "Introducer",
    "Ownership",
    "Person",
    "Plan",
    "Religion",
    "ReportedTotal",
    "Role",
    "RoleCategory",
    "Setting",
    "Sex",
    "Unit",
    "UnitKind",
    "UnitTarget",
    "User",
    "ZoneKind",
]
