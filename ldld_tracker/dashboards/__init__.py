"""Read-only figures for the dashboards, the API and the reports.

Every figure is aggregated in SQL, scoped with ``access`` and counted with the
definitions of ``workflow.counting``; each page runs a fixed number of queries whatever
the amount of data. ``queries.progress`` is the entry point the other modules build on.
"""
