"""Server settings that belong to the application (used by ``gunicorn.conf.py``).

``freeze_after_start``: once a worker has imported and built the application, every object
it holds then (modules, the app, SQLAlchemy's mappers, compiled templates' code) lives as
long as the worker. ``gc.freeze()`` moves them out of the garbage collector's reach, so a
full collection walks only what requests created: without it, a full collection every
twenty requests or so added 60-80 ms to that request (measured in docs/BENCHMARKS.md).
"""

from __future__ import annotations

import gc


def freeze_after_start() -> None:
    """Collect once, then exempt everything alive now from later collections."""
    gc.collect()
    gc.freeze()
