"""The server settings: gunicorn reads gunicorn.conf.py, whose worker hook freezes the
objects alive after start-up out of the garbage collector's reach."""

from __future__ import annotations

import gc
import runpy

from ldld_tracker import PROJECT_DIR


def test_a_started_worker_freezes_what_it_has_built():
    settings = runpy.run_path(str(PROJECT_DIR / "gunicorn.conf.py"))
    gc.unfreeze()
    try:
        assert gc.get_freeze_count() == 0
        settings["post_worker_init"](None)
        assert gc.get_freeze_count() > 1000
    finally:
        gc.unfreeze()
