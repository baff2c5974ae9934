"""``make load``: a bounded load test on the loopback interface, on SQLite and then on
PostgreSQL (where its server binaries are installed).

For each database: a fresh database (a temporary SQLite file; a throwaway PostgreSQL
cluster), migrated and seeded with the demo data through the ``flask`` commands, plus
one account per simulated user; gunicorn with several workers on a free port of
127.0.0.1; then N simulated users (default 20) for S seconds (default 60) mixing page
views, API calls, exports and milestone entries on people of their own, with a few
designed races on one dossier. It stops by itself, then checks: no 5xx, every
acknowledged write is in the database, and the counts add up. It prints requests per
second and p50/p95 per kind of request, and exits non-zero when a check fails.

    .venv/bin/python scripts/load.py [--seconds 60] [--users 20] [--workers 4]
                                     [--database both|sqlite|postgresql]

Only the standard library (and the app itself, to check its database) is used.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

from load_checks import (
    Check,
    api_checks,
    database_checks,
    exports_made,
    figures,
    race_checks,
    response_checks,
    stamp,
)
from load_setup import Account, create_accounts, database, gunicorn, prepare_database, server_env
from load_users import API_PATHS, BOARD_PAGES, EXPORT_PATHS, OFFICER_PAGES, Journal, SimulatedUser


def probe(url: str, accounts: list[Account], journal: Journal) -> dict[str, dict[str, list[str]]]:
    """Which pages, API paths and exports answer 200 to each role. A 404 or 403 means
    the feature is absent from this version or not for this role: left out, and said so.
    Any other answer is recorded, so that a 5xx here fails the run too."""
    routes: dict[str, dict[str, list[str]]] = {}
    for role in sorted({a.role for a in accounts}):
        user = SimulatedUser(next(a for a in accounts if a.role == role), url, journal, 0, {}, 0)
        if not user.sign_in():
            raise RuntimeError(f"the {role} account could not sign in")
        candidates = {"pages": BOARD_PAGES if role == "board" else OFFICER_PAGES,
                      "api": API_PATHS, "exports": EXPORT_PATHS}
        routes[role] = {}
        for group, paths in candidates.items():
            routes[role][group] = []
            for path in paths:
                response = user.call("probe", path.split("?")[0], path, expect=(200, 403, 404))
                if response is not None and response.status == 200:
                    routes[role][group].append(path)
                elif response is not None and response.status in (403, 404):
                    print(f"  not for {role} in this version ({response.status}): {path}")
    return routes


def progress(url: str, account: Account | None, journal: Journal) -> dict | None:
    """The 2020 province figures of the API, as the board sees them (None without API)."""
    if account is None:
        return None
    user = SimulatedUser(account, url, journal, 0, {}, 0)
    user.sign_in()
    response = user.call("probe", API_PATHS[0], API_PATHS[0], expect=(200, 404))
    if response is None or response.status != 200:
        return None
    return json.loads(response.body)["total"]


def run(kind: str, seconds: float, users: int, workers: int, seed: int) -> bool:
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"\n== {kind}: {users} users, {seconds:.0f} s, gunicorn with {workers} workers; "
          f"{os.cpu_count()} CPUs, load average {load} (server, database and users share them) ==")
    with database(kind) as url:
        env = server_env(url)
        print(f"[{stamp()}] preparing: migrate, seed-reference, seed-demo …")
        print(f"  {prepare_database(env)}")
        accounts = create_accounts(url, users)
        logs = Path(tempfile.mkdtemp(prefix="ldld-load-log-"))
        setup = Journal()
        journal = Journal()
        with gunicorn(env, workers, logs / "gunicorn.log") as base:
            print(f"[{stamp()}] server on {base}; probing the routes …")
            routes = probe(base, accounts, setup)
            board = next((a for a in accounts if a.role == "board"), None)
            before = progress(base, board, setup)
            print(f"[{stamp()}] running …")
            started = time.monotonic()
            deadline = started + seconds
            threads = [threading.Thread(
                target=SimulatedUser(a, base, journal, deadline, routes[a.role], seed * 1000 + i).run,
                daemon=True) for i, a in enumerate(accounts)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=max(0.0, deadline + 120 - time.monotonic()))
            elapsed = time.monotonic() - started
            stuck = sum(thread.is_alive() for thread in threads)
            after = progress(base, board, setup)
        journal.logins += setup.logins
        print(f"[{stamp()}] done; checking the database …")
        checks = (response_checks(setup.records + journal.records) + race_checks(journal)
                  + database_checks(url, journal, accounts, exports_made(setup.records + journal.records))
                  + api_checks(before, after, journal))
    if stuck:
        checks.append(Check("every simulated user stopped", False, f"{stuck} still running"))
    print(f"-- {kind} --")
    for line in figures(journal.records, elapsed):
        print(line)
    writes = (f"  acknowledged: {len(journal.people)} new members, {len(journal.dossiers)} "
              f"dossiers, {len(journal.milestones)} milestones, {len(journal.races)} races")
    print(writes)
    for check in checks:
        detail = f" ({check.detail})" if check.detail else ""
        print(f"  [{'ok' if check.ok else 'FAILED'}] {check.name}{detail}")
    passed = all(check.ok for check in checks)
    if passed:
        shutil.rmtree(logs, ignore_errors=True)
    else:
        print(f"  server log kept in {logs / 'gunicorn.log'}")
    return passed


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--database", choices=("both", "sqlite", "postgresql"), default="both")
    parser.add_argument("--seed", type=int, default=2020)
    args = parser.parse_args(argv)
    if not (1 <= args.users <= 100 and 1 <= args.seconds <= 3600 and 1 <= args.workers <= 32):
        parser.error("keep it bounded: 1-100 users, 1-3600 seconds, 1-32 workers")
    results: dict[str, bool] = {}
    for kind in ("sqlite", "postgresql") if args.database == "both" else (args.database,):
        try:
            results[kind] = run(kind, args.seconds, args.users, args.workers, args.seed)
        except LookupError as missing:
            if args.database == "postgresql":
                print(f"FAILED: {missing}.")
                return 1
            print(f"\nSKIPPED the PostgreSQL run: {missing} (apt-get install postgresql).")
    print("\n" + ", ".join(f"{k}: {'passed' if ok else 'FAILED'}" for k, ok in results.items()))
    return 0 if all(results.values()) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
