"""The demo data set: fictitious but plausible enterprises, members and dossiers of 2020.

``flask --app ldld_tracker seed-demo`` loads it (``cli/demo.py``). Modules: ``names``
(people's names by ethnic group), ``enterprises``, ``people``, ``dossiers`` (dates that keep
the Party's rules), ``plans`` (targets and reported totals), ``accounts`` (one demo user per
role) and ``seed`` (planning from one seed, then inserting in one transaction).
"""

from .accounts import DEMO_PASSWORD, DEMO_USERS
from .seed import DEFAULT_SEED, DEMO_AS_OF, plan_demo, seed_demo

__all__ = ["DEFAULT_SEED", "DEMO_AS_OF", "DEMO_PASSWORD", "DEMO_USERS", "plan_demo", "seed_demo"]
