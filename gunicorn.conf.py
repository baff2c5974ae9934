"""gunicorn settings read from the working directory (``make run``, production alike)."""

from ldld_tracker.serving import freeze_after_start


def post_worker_init(worker):  # noqa: ANN001, ARG001 - gunicorn's hook signature
    freeze_after_start()
