"""Every page and API call runs the same number of SQL queries whatever the data size."""

from __future__ import annotations

import pytest

from ldld_tracker.extensions import db
from ldld_tracker.models import Role

from .. import factories
from .helpers import count_queries, populate

URLS = ["/dashboards/", "/dashboards/districts", "/dashboards/districts?page=2", "/dashboards/district/643",
        "/dashboards/funnel", "/dashboards/timeline", "/dashboards/breakdowns",
        "/dashboards/coverage", "/dashboards/due", "/api/v1/progress?year=2020",
        "/api/v1/progress?year=2020&district=643", "/plans/"]


def _fresh_session() -> None:
    """Forget the loaded objects, as a real server's new request would: otherwise whether
    the signed-in user is loaded again depends on when the garbage collector ran."""
    db.session.expunge_all()


def _counts(client) -> dict[str, int]:
    counts = {}
    for url in URLS:
        _fresh_session()
        with count_queries() as statements:
            response = client.get(url)
        assert response.status_code == 200, url
        counts[url] = len(statements)
    return counts


@pytest.mark.parametrize("role", [Role.BOARD, Role.DISTRICT])
def test_query_count_is_the_same_with_five_times_the_data(client, login_as, role):
    login_as(role, unit=factories.unit("643") if role is Role.DISTRICT else None)
    populate(1)
    db.session.commit()
    once = _counts(client)
    populate(4)
    db.session.commit()
    five_times = _counts(client)
    assert five_times == once
    # (the most: the board's page of units past the end, 13 = its total's 4, the page's
    # units and their count, their reported totals and summaries, the user and the plans)
    assert max(once.values()) <= 13


def test_query_count_of_an_enterprise_user_does_not_grow(client, login_as):
    populate(1)
    mine = factories.enterprise("643")
    login_as(Role.ENTERPRISE, enterprise=mine)
    urls = [u for u in URLS if not u.startswith("/plans")]
    counts = []
    for copies in (1, 4):
        populate(copies)
        for _ in range(copies):
            factories.dossier(factories.person(mine))
        db.session.commit()
        run = {}
        for url in urls:
            _fresh_session()
            with count_queries() as statements:
                assert client.get(url).status_code == 200, url
            run[url] = len(statements)
        counts.append(run)
    assert counts[0] == counts[1]
