"""The JSON API: its shape, its errors, its scope and its description."""

from __future__ import annotations

from datetime import date

from ldld_tracker.models import Role

from .. import factories
from .helpers import admitted, reported

MILESTONES = ["identified", "trained", "applied", "verified", "introduced", "cell_resolved",
              "committee_resolved", "admitted", "sworn_in", "official"]
ENDS = ["withdrawn", "not_admitted", "removed"]
FIGURES = {"target", "admitted", "admitted_tracked", "admitted_reported", "introduced",
           "reached", "current"}


def test_progress_without_login_answers_401_json(client):
    response = client.get("/api/v1/progress?year=2020")
    assert response.status_code == 401
    assert response.is_json and response.get_json()["status"] == 401


def test_progress_has_the_documented_shape(client, login_as):
    login_as(Role.BOARD)
    admitted(date(2020, 5, 4))
    reported("644", 1, 3)
    response = client.get("/api/v1/progress?year=2020")
    assert response.status_code == 200
    data = response.get_json()
    assert data["year"] == 2020
    assert data["plan"] == {"number": "155-KH/TU", "target": 3500}
    assert set(data["total"]) == FIGURES
    assert data["total"]["target"] == 3500
    assert (data["total"]["admitted"], data["total"]["admitted_tracked"],
            data["total"]["admitted_reported"]) == (4, 1, 3)
    assert sorted(data["total"]["reached"]) == sorted(MILESTONES)
    assert sorted(data["total"]["current"]) == sorted(MILESTONES + ENDS)
    bmt = data["districts"][0]
    assert (bmt["code"], bmt["name"]) == ("643", "Thành phố Buôn Ma Thuột")
    assert set(bmt) == FIGURES | {"code", "name"}
    assert "enterprises" not in data and "enterprises_page" not in data
    for key in ("admitted", "admitted_tracked", "admitted_reported", "introduced"):
        assert data["total"][key] == sum(d[key] for d in data["districts"])


def test_progress_of_one_district_lists_its_enterprises(client, login_as):
    login_as(Role.BOARD)
    ent = factories.enterprise("643", name="Công ty Cà phê Thắng Lợi")
    admitted(date(2020, 5, 4), ent)
    admitted(date(2020, 5, 5), factories.enterprise("644"))
    data = client.get("/api/v1/progress?year=2020&district=643").get_json()
    assert [d["code"] for d in data["districts"]] == ["643"]
    assert data["total"]["admitted_tracked"] == 1
    assert data["enterprises"] == [{
        "tax_code": ent.tax_code, "name": "Công ty Cà phê Thắng Lợi", "target": None,
        "admitted": 1, "admitted_tracked": 1, "admitted_reported": 0, "introduced": 1,
        "reached": data["enterprises"][0]["reached"], "current": data["enterprises"][0]["current"],
    }]
    assert data["enterprises"][0]["current"]["admitted"] == 1


def test_a_district_s_enterprises_come_a_page_at_a_time_with_the_unit_counted_whole(client, login_as):
    login_as(Role.BOARD)
    names = [f"Công ty Số {n:02d}" for n in range(5)]
    for n, name in enumerate(names):
        ent = factories.enterprise("643", name=name)
        for day in range(n):
            admitted(date(2020, 5, 1 + day), ent)
    first = client.get("/api/v1/progress?year=2020&district=643&per_page=2").get_json()
    assert [e["name"] for e in first["enterprises"]] == names[:2]
    assert first["enterprises_page"] == {"page": 1, "per_page": 2, "pages": 3, "total": 5}
    assert first["total"]["admitted_tracked"] == 0 + 1 + 2 + 3 + 4
    last = client.get("/api/v1/progress?year=2020&district=643&per_page=2&page=3").get_json()
    assert [(e["name"], e["admitted_tracked"]) for e in last["enterprises"]] == [(names[4], 4)]
    assert last["total"] == first["total"]
    past = client.get("/api/v1/progress?year=2020&district=643&per_page=2&page=9").get_json()
    assert past["enterprises"] == [] and past["enterprises_page"]["total"] == 5
    default = client.get("/api/v1/progress?year=2020&district=643").get_json()
    assert default["enterprises_page"]["per_page"] == 50 and len(default["enterprises"]) == 5


def test_the_units_come_a_page_at_a_time_under_the_total_of_them_all(client, login_as):
    login_as(Role.BOARD)
    admitted(date(2020, 5, 4), factories.enterprise("643"))
    admitted(date(2020, 5, 5), factories.enterprise("644"))
    admitted(date(2020, 5, 6), factories.enterprise("644"))
    whole = client.get("/api/v1/progress?year=2020").get_json()
    codes = [d["code"] for d in whole["districts"]]
    units = len(codes)  # the plan's territory: every district-level unit of the province
    assert codes == sorted(codes) and units > 8
    assert whole["districts_page"] == {"page": 1, "per_page": 50, "pages": 1, "total": units}
    count = -(-units // 4)
    pages = [client.get(f"/api/v1/progress?year=2020&per_page=4&page={n}").get_json()
             for n in range(1, count + 2)]
    assert [d["code"] for page in pages for d in page["districts"]] == codes
    assert [len(page["districts"]) for page in pages] == [4] * (count - 1) + [units - 4 * (count - 1), 0]
    assert pages[0]["districts_page"] == {"page": 1, "per_page": 4, "pages": count, "total": units}
    assert all(page["total"] == whole["total"] for page in pages)
    assert whole["total"]["admitted_tracked"] == 3
    by_code = {d["code"]: d["admitted_tracked"] for page in pages for d in page["districts"]}
    assert (by_code["643"], by_code["644"], sum(by_code.values())) == (1, 2, 3)


def test_a_district_officer_s_unit_is_one_page_of_one(client, login_as):
    login_as(Role.DISTRICT, unit=factories.unit("644"))
    admitted(date(2020, 5, 4), factories.enterprise("644"))
    first = client.get("/api/v1/progress?year=2020&per_page=1").get_json()
    assert [d["code"] for d in first["districts"]] == ["644"]
    assert first["districts_page"] == {"page": 1, "per_page": 1, "pages": 1, "total": 1}
    past = client.get("/api/v1/progress?year=2020&page=2").get_json()
    assert past["districts"] == [] and past["total"] == first["total"]
    assert past["total"]["admitted_tracked"] == 1


def test_a_bad_page_or_page_size_answers_400_json_with_a_message(client, login_as):
    login_as(Role.BOARD)
    for query in ("page=0", "page=abc", "per_page=0", "per_page=1001", "page=-1", "per_page=²",
                  "page=99999999"):
        for district in ("&district=643", ""):
            response = client.get(f"/api/v1/progress?year=2020{district}&{query}")
            assert response.status_code == 400, query
            assert "page" in response.get_json()["error"]


def test_as_of_cuts_the_figures(client, login_as):
    login_as(Role.BOARD)
    admitted(date(2020, 6, 30))
    admitted(date(2020, 7, 1))
    data = client.get("/api/v1/progress?year=2020&as_of=2020-06-30").get_json()
    assert data["as_of"] == "2020-06-30"
    assert data["total"]["admitted_tracked"] == 1


def test_a_district_user_sees_only_their_district(client, login_as):
    login_as(Role.DISTRICT, unit=factories.unit("644"))
    admitted(date(2020, 5, 4), factories.enterprise("643"))
    admitted(date(2020, 5, 4), factories.enterprise("644"))
    data = client.get("/api/v1/progress?year=2020").get_json()
    assert [d["code"] for d in data["districts"]] == ["644"]
    assert data["total"]["admitted_tracked"] == 1
    assert client.get("/api/v1/progress?year=2020&district=644").status_code == 200


def test_another_district_answers_404_json(client, login_as):
    login_as(Role.DISTRICT, unit=factories.unit("644"))
    response = client.get("/api/v1/progress?year=2020&district=643")
    assert response.status_code == 404 and response.is_json


def test_an_enterprise_user_sees_only_their_enterprise(client, login_as):
    mine = factories.enterprise("643")
    login_as(Role.ENTERPRISE, enterprise=mine)
    admitted(date(2020, 5, 4), mine)
    admitted(date(2020, 5, 4), factories.enterprise("643"))
    reported("643", 1, 9)
    data = client.get("/api/v1/progress?year=2020&district=643").get_json()
    assert [e["tax_code"] for e in data["enterprises"]] == [mine.tax_code]
    assert data["total"]["admitted"] == data["total"]["admitted_tracked"] == 1
    assert client.get("/api/v1/progress?year=2020&district=644").status_code == 404


def test_bad_year_or_day_answers_400_json_and_a_year_without_plan_404(client, login_as):
    login_as(Role.BOARD)
    for query in ("year=20x", "year=2020&as_of=2020-02-30", "year=2020&as_of=yesterday"):
        response = client.get(f"/api/v1/progress?{query}")
        assert response.status_code == 400, query
        assert response.get_json()["error"]
    assert client.get("/api/v1/progress?year=1999").status_code == 404


def test_the_admin_may_not_read_progress(client, login_as):
    login_as(Role.ADMIN)
    assert client.get("/api/v1/progress?year=2020").status_code == 403


def test_openapi_document_is_json_naming_the_progress_path(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.get_json()
    assert document["openapi"].startswith("3.")
    operation = document["paths"]["/api/v1/progress"]["get"]
    assert {p["name"] for p in operation["parameters"]} == {"year", "district", "as_of", "page",
                                                             "per_page"}
    progress = document["components"]["schemas"]["Progress"]["properties"]
    for listed in ("districts_page", "enterprises_page"):
        assert sorted(progress[listed]["properties"]) == ["page", "pages", "per_page", "total"]
    current = document["components"]["schemas"]["Current"]["properties"]
    assert sorted(current) == sorted(MILESTONES + ENDS)
