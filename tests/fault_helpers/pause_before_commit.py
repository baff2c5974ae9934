"""A gunicorn configuration file (``gunicorn -c``) that lets a test kill a worker in the
middle of a request, deterministically: right before the database COMMIT, when the
request's changes have all been sent to the database.

When the file named by ``LDLD_FAULT_ARM`` exists, the next commit of any worker removes
it, writes the worker's process id to the file named by ``LDLD_FAULT_REACHED`` and sleeps;
the test then kills that worker with SIGKILL. The app itself is not changed: the hook is
SQLAlchemy's engine-wide "commit" event, installed in the gunicorn master and inherited
by the workers it forks.
"""

from __future__ import annotations

import os
import time

from sqlalchemy import event
from sqlalchemy.engine import Engine

workers = 1
timeout = 120


@event.listens_for(Engine, "commit")
def _pause_when_armed(_connection) -> None:  # noqa: ANN001 - SQLAlchemy connection
    arm = os.environ["LDLD_FAULT_ARM"]
    try:
        os.unlink(arm)
    except FileNotFoundError:
        return
    reached = os.environ["LDLD_FAULT_REACHED"]
    with open(reached + ".tmp", "w", encoding="ascii") as handle:
        handle.write(str(os.getpid()))
    os.replace(reached + ".tmp", reached)
    time.sleep(100)
