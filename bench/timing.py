"""Server-side time of each dashboard page and API call: the application handles the
request in process (Flask's test client: routing, sign-in check, queries, templates,
JSON), with no network or browser in the way. Each request gets a fresh database
session, as on a real server."""

from __future__ import annotations

import math
import statistics
import time
from dataclasses import dataclass

from flask import Flask

from ldld_tracker.serving import freeze_after_start

from .databases import BOARD, DISTRICT, DISTRICT_UNIT, PASSWORD

YEAR, AS_OF = 2025, "2025-12-15"
PERIOD = f"year={YEAR}&as_of={AS_OF}"
# (name, path): every dashboard page and the API call, for the province and for one unit.
CALLS = (
    ("api progress", f"/api/v1/progress?{PERIOD}"),
    ("api progress, unit", f"/api/v1/progress?{PERIOD}&district={DISTRICT_UNIT}"),
    ("overview", f"/dashboards/?{PERIOD}"),
    ("by district", f"/dashboards/districts?{PERIOD}"),
    ("district", f"/dashboards/district/{DISTRICT_UNIT}?{PERIOD}"),
    ("funnel", f"/dashboards/funnel?{PERIOD}"),
    ("over time", f"/dashboards/timeline?{PERIOD}"),
    ("breakdowns", f"/dashboards/breakdowns?{PERIOD}"),
    ("coverage", f"/dashboards/coverage?{PERIOD}"),
    ("due and stuck", f"/dashboards/due?{PERIOD}"),
)
USERS = (("board", BOARD), ("district", DISTRICT))


@dataclass
class Timing:
    samples: list[float]  # milliseconds

    @property
    def p50(self) -> float:
        return statistics.median(self.samples)

    @property
    def p95(self) -> float:
        ordered = sorted(self.samples)
        return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def signed_in(app: Flask, username: str):
    client = app.test_client()
    response = client.post("/login", data={"username": username, "password": PASSWORD})
    if response.status_code != 302:
        raise RuntimeError(f"{username} could not sign in ({response.status_code})")
    return client


def time_calls(apps: dict[str, Flask], repetitions: int,
               warmup: int = 3) -> dict[str, dict[tuple[str, str], Timing]]:
    """Per app (a data set: 1/10 and full size), (user, call) -> timing, over
    ``repetitions`` requests after ``warmup`` ones (then the long-lived objects are frozen,
    as the server does after starting a worker).

    Everything is interleaved: each round makes one request of each call, on each app in
    turn. A burst of load, or the machine's pace drifting over minutes (it moves by more
    than a third here), then falls on every call and on both sizes alike, so the ratios
    the goals are about (growth: full size / 1/10) compare times taken side by side, not
    minutes apart."""
    clients = {(label, user): signed_in(app, username)
               for label, app in apps.items() for user, username in USERS}
    results = {label: {(user, name): Timing([]) for user, _u in USERS for name, _p in CALLS}
               for label in apps}
    for round_ in range(warmup + repetitions):
        if round_ == warmup:
            freeze_after_start()  # as each gunicorn worker does (gunicorn.conf.py)
        for name, path in CALLS:
            for (label, user), client in clients.items():
                started = time.perf_counter()
                response = client.get(path)
                elapsed = (time.perf_counter() - started) * 1000
                if response.status_code != 200:
                    raise RuntimeError(f"{label} {user} {path}: {response.status_code}")
                if round_ >= warmup:
                    results[label][(user, name)].samples.append(elapsed)
    return results


def api_figures(app: Flask, username: str, district: str | None = None) -> dict:
    """The API's answer, to check the bare SQL computes the same numbers."""
    path = CALLS[1][1] if district else CALLS[0][1]
    return signed_in(app, username).get(path).get_json()
