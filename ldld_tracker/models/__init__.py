"""The data model, one module per aggregate."""

from .audit import AuditEntry
from .dossier import Dossier, EndKind, Introducer
from .enterprise import Enterprise, Ownership
from .member import Education, Person, RoleCategory, Sex
from .plan import EnterpriseTarget, Plan, ReportedTotal, UnitTarget
from .reference import EthnicGroup, Religion
from .setting import Setting
from .tally import UnitMembers, UnitTally
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
    "UnitMembers",
    "UnitTally",
    "UnitTarget",
    "User",
    "ZoneKind",
]
