"""Benchmarks (``make bench``): the dashboards, the API, the report download and the import
at province scale on SQLite and at national scale on PostgreSQL, each against the bare
minimum measured in the same run. Never part of the test suite: speed goals live here.

Modules: ``run`` (the command), ``databases`` (building and caching the data sets),
``timing`` (server-side times through the test client), ``floor`` (the bare SQL),
``excel`` (downloads and imports in subprocesses, with peak memory), ``machine`` and
``report`` (the table, the goals, docs/BENCHMARKS.md).
"""
