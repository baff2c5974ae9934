"""Journey 3: the Organization Board reads the dashboards. The admitted count moves by one
when an admission is recorded, every chart is really drawn, the figures drill down from
the province to one person, and the progress report downloads with the same numbers.
"""

from __future__ import annotations

import re
from datetime import date

from ldld_tracker.workflow.rules import END_CODES, STAGE_CODES

from .conftest import sign_in
from .helpers import assert_no_horizontal_scroll, chart_state, open_menu_item, screenshot

CHART_PAGES = ("/dashboards/districts", "/dashboards/funnel", "/dashboards/timeline",
               "/dashboards/breakdowns")


def _number(text: str) -> int:
    """A count as shown ("3.500" in Vietnamese, "3,500" in English)."""
    return int(re.sub(r"\D", "", text))


def _admitted_on_page(page) -> int:
    return _number(page.locator("[data-testid=admitted-total]").inner_text())


def _api(page, live_server, query: str = "year=2020") -> dict:
    response = page.request.get(f"{live_server.url}/api/v1/progress?{query}")
    assert response.ok, response.status
    return response.json()


def test_board_sees_admissions_move_charts_drawn_drills_down_and_downloads_report(
        page, live_server, world, tmp_path):
    name = "Phạm Thị Bảng Điều Khiển"
    dossier_id = world.dossier_ready_for_cell(person={"full_name": name})
    sign_in(page, live_server, world.board)
    open_menu_item(page, "/dashboards/")
    before = _admitted_on_page(page)
    assert before == _api(page, live_server)["total"]["admitted"]

    world.record_admission(dossier_id, date(2020, 7, 1), "88-QĐ/TU")
    page.reload()
    after = _admitted_on_page(page)
    assert after == before + 1
    api = _api(page, live_server)
    assert api["total"]["admitted"] == after
    assert_no_horizontal_scroll(page)

    for path in CHART_PAGES:
        page.goto(live_server.url + path + "?year=2020")
        canvases = page.locator("canvas[data-chart]")
        assert canvases.count() >= 1, f"no chart on {path}"
        for n in range(canvases.count()):
            state = chart_state(page, f"canvas[data-chart] >> nth={n}")
            assert state["chart"] and state["datasets"] >= 1, f"no Chart.js chart on {path}: {state}"
            assert state["points"] >= 1, f"a chart without data on {path}: {state}"
            assert state["painted"] > 500, f"an empty canvas on {path}: {state}"
        # The numbers are in a table beside the chart.
        assert page.locator("main table").count() >= 1
    page.goto(live_server.url + "/dashboards/districts?year=2020")
    screenshot(page, "journey3-districts-chart")

    # Drill down: the province's districts -> one district -> the enterprise -> the person.
    row = page.locator("#t-units tbody tr", has=page.locator("a[href*='/dashboards/district/643']"))
    district_admitted = int(row.locator("td").nth(4).get_attribute("data-value"))
    api_district = next(d for d in api["districts"] if d["code"] == "643")
    assert district_admitted == api_district["admitted"]
    # One column per stage (the stages' names are the headers' titles), with the API's counts.
    assert page.locator("#t-units thead th[title]").count() == len(STAGE_CODES)
    cells = row.locator("td").all()  # target, tracked, reported, expected, admitted, %, introduced
    stage_values = [int(cell.get_attribute("data-value")) for cell in cells[7:7 + len(STAGE_CODES)]]
    assert stage_values == [api_district["current"][code] for code in STAGE_CODES]
    with page.expect_navigation():
        row.locator("a[href*='/dashboards/district/643']").click()
    enterprise_row = page.locator("#t-enterprises tbody tr",
                                  has=page.locator(f"a[href$='/enterprises/{world.enterprise_id}']"))
    assert world.enterprise_name in enterprise_row.inner_text()
    with page.expect_navigation():
        enterprise_row.locator(f"a[href$='/enterprises/{world.enterprise_id}']").click()
    assert page.locator("h1").inner_text().strip() == world.enterprise_name
    with page.expect_navigation():
        page.locator("main table a", has_text=name).click()
    assert page.locator("h1").inner_text().strip() == name
    with page.expect_navigation():
        page.locator(f"main a[href$='/dossiers/{dossier_id}']").click()
    assert page.locator("#step-admitted .badge.text-bg-success").inner_text() == "01/07/2020"

    # The progress report: the reports page's form, the year 2020 chosen.
    page.goto(live_server.url + "/reports/")
    form = page.locator("main form[action$='/reports/progress.xlsx']")
    form.locator("select[name=year]").select_option("2020")
    with page.expect_download() as download_info:
        form.locator("button[type=submit]").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    download.save_as(tmp_path / download.suggested_filename)
    _check_report(tmp_path / download.suggested_filename, api)


def _check_report(path, api: dict) -> None:
    """Each unit's row (No., unit, target, admitted tracked / reported / total, %, introduced,
    dossiers at each stage) holds the API's numbers."""
    from openpyxl import load_workbook

    sheet = load_workbook(path).worksheets[0]
    rows = {row[1]: row for row in sheet.iter_rows(values_only=True) if len(row) > 8}
    for district in api["districts"]:
        line = rows.get(district["name"])
        assert line is not None, f"{district['name']} is missing from the report"
        assert (line[2], line[3], line[4], line[5], line[7]) == (
            district["target"], district["admitted_tracked"], district["admitted_reported"],
            district["admitted"], district["introduced"]), (district, line)
        stages = [district["current"][code] for code in STAGE_CODES + END_CODES]
        assert list(line[8:8 + len(stages)]) == stages, (district["current"], line)
