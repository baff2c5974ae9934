"""The progress pages: they render with their tables, keep to the user's scope, and
carry no inline script."""

from __future__ import annotations

import re
from datetime import date

import pytest
from markupsafe import escape

from ldld_tracker.dashboards import queries
from ldld_tracker.models import Role, Sex

from .. import factories
from .helpers import admitted, populate, reported

PAGES = ["/dashboards/", "/dashboards/districts", "/dashboards/district/643",
         "/dashboards/funnel", "/dashboards/timeline", "/dashboards/breakdowns",
         "/dashboards/coverage", "/dashboards/due"]


@pytest.mark.parametrize("url", PAGES)
def test_every_page_renders_for_the_board_without_inline_scripts(client, login_as, url):
    login_as(Role.BOARD)
    populate(1)
    response = client.get(url)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert all('src="' in tag for tag in re.findall(r"<script[^>]*>", html))
    assert "style=" not in html
    for canvas in re.findall(r"<canvas[^>]*>", html):
        table_id = re.search(r'data-table="([^"]+)"', canvas).group(1)
        assert f'id="{table_id}"' in html


def test_overview_shows_tracked_reported_and_the_target(client, login_as):
    login_as(Role.BOARD)
    admitted(date(2020, 2, 3))
    reported("644", 1, 1234)
    html = client.get("/dashboards/?year=2020&as_of=2020-06-30&lang=en").get_data(as_text=True)
    assert "1,235" in html or "1.235" in html
    assert "1,234" in html or "1.234" in html
    assert "3,500" in html or "3.500" in html
    assert 'max="3500"' in html


def test_by_district_lists_every_unit_with_its_link(client, login_as):
    login_as(Role.BOARD)
    html = client.get("/dashboards/districts?year=2020").get_data(as_text=True)
    assert "/dashboards/district/643" in html and "/dashboards/district/657" in html
    assert "Huyện Cư Kuin" in html


def test_by_district_shows_a_page_of_units_in_code_order_under_the_total_of_them_all(
        client, login_as, monkeypatch):
    """The country's board sees 900 units: a page of them at a time, each with its own
    figures, and the total of all of them below; past the end, the way back."""
    monkeypatch.setattr("ldld_tracker.dashboards.due.UNITS_PER_PAGE", 2)
    login_as(Role.BOARD)
    populate(1)
    admitted(date(2020, 2, 3), factories.enterprise("645"))
    reported("657", 1, 40)
    board = factories.user(Role.BOARD)
    whole = queries.progress(board, 2020, date(2020, 6, 30))
    codes = [row.code for row in whole.districts]
    count = len(codes)
    assert codes == sorted(codes) and count > 6
    for number in (1, 2, (count + 1) // 2):
        paged = queries.progress(board, 2020, date(2020, 6, 30), unit_page=(number, 2))
        assert paged.district_count == count and paged.total == whole.total
        assert paged.districts == whole.districts[(number - 1) * 2:number * 2]
    html = client.get("/dashboards/districts?year=2020&as_of=2020-06-30&page=3&lang=en").get_data(
        as_text=True)
    shown = re.findall(r'href="/dashboards/district/(\d+)\?', html)
    assert shown == codes[4:6]
    assert f"Total of all {count} units" in html and f"Units 5 to 6 of {count}, in code order" in html
    assert 'href="/dashboards/districts?page=4&amp;year=2020&amp;as_of=2020-06-30"' in html
    footer = html.split("<tfoot", 1)[1]
    assert f'data-value="{whole.total.admitted}"' in footer and 'data-value="3500"' in footer
    past = client.get("/dashboards/districts?year=2020&page=99&lang=en").get_data(as_text=True)
    assert f"Page 99 is past the end of the list ({count} in all)." in past
    assert "Units 0 to 0" not in past and "Total of all" in past


def test_breakdowns_show_each_line_with_its_counts_and_shares(client, login_as):
    login_as(Role.BOARD)
    for sex in (Sex.FEMALE, Sex.FEMALE, Sex.MALE, Sex.MALE):
        admitted(date(2020, 3, 3), factories.enterprise("643"), sex=sex)
    html = client.get("/dashboards/breakdowns?year=2020&as_of=2020-12-31&lang=en").get_data(as_text=True)
    assert ('<tr><th scope="row">Women</th><td class="text-end" data-value="2">2</td>'
            '<td class="text-end">50.0%</td><td class="text-end" data-value="2">2</td>'
            '<td class="text-end">50.0%</td></tr>') in html
    assert ('<tr><th scope="row">Ethnic minorities</th><td class="text-end" data-value="0">0</td>'
            '<td class="text-end">0.0%</td>') in html


def test_a_breakdown_line_escapes_its_label_and_shows_its_counts_and_shares(client, login_as):
    from ldld_tracker.extensions import db
    from ldld_tracker.models import IndustrialZone, ZoneKind

    login_as(Role.BOARD)
    zone = IndustrialZone(name="<b>KCN</b> Hòa Phú", kind=ZoneKind.ZONE, unit=factories.unit("643"))
    db.session.add(zone)
    admitted(date(2020, 3, 3), factories.enterprise("643", zone=zone))
    admitted(date(2020, 3, 4), factories.enterprise("643"))
    html = client.get("/dashboards/breakdowns?year=2020&as_of=2020-12-31").get_data(as_text=True)
    table = html[html.index('id="t-zone"'):]
    body = table[table.index("<tbody>"):table.index("</tbody>")]
    rows = re.findall(r"<tr><th scope=\"row\">(.*?)</tr>", body)
    assert rows == [
        '&lt;b&gt;KCN&lt;/b&gt; Hòa Phú</th><td class="text-end" data-value="1">1</td>'
        '<td class="text-end">50,0%</td><td class="text-end" data-value="1">1</td>'
        '<td class="text-end">50,0%</td>',
        'Ngoài khu, cụm công nghiệp</th><td class="text-end" data-value="1">1</td>'
        '<td class="text-end">50,0%</td><td class="text-end" data-value="1">1</td>'
        '<td class="text-end">50,0%</td>']


def test_by_district_of_a_district_officer_is_their_unit_alone(client, login_as):
    login_as(Role.DISTRICT, unit=factories.unit("645"))
    html = client.get("/dashboards/districts?year=2020&lang=en").get_data(as_text=True)
    assert re.findall(r'href="/dashboards/district/(\d+)\?', html) == ["645"]
    assert "Units 1 to" not in html and "Total of all" not in html


def test_district_page_lists_its_enterprises_with_links_to_them_and_their_dossiers(client, login_as):
    login_as(Role.BOARD)
    ent = factories.enterprise("645", name="Công ty Cao su Ea H'leo")
    other = factories.enterprise("643", name="Công ty Ở Thành Phố")
    admitted(date(2020, 3, 3), ent)
    html = client.get("/dashboards/district/645?year=2020").get_data(as_text=True)
    assert "Công ty Cao su Ea H&#39;leo" in html
    assert other.name not in html
    if "enterprises.detail" in client.application.view_functions:
        assert f"/enterprises/{ent.id}" in html
    if "dossiers.index" in client.application.view_functions:
        assert f"enterprise={ent.id}" in html


def test_district_page_shows_a_page_of_enterprises_with_the_unit_total_of_all(app, client, login_as):
    login_as(Role.BOARD)
    size = app.config["PAGE_SIZE"]
    names = [f"Công ty Trang {n:03d}" for n in range(size + 3)]
    for name in names:
        admitted(date(2020, 3, 3), factories.enterprise("645", name=name))
    first = client.get("/dashboards/district/645?year=2020").get_data(as_text=True)
    assert names[size - 1] in first and names[size] not in first
    assert "/dashboards/district/645?page=2&amp;year=2020" in first
    assert f"thứ 1 đến {size} trong số {size + 3}" in first
    second = client.get("/dashboards/district/645?year=2020&page=2").get_data(as_text=True)
    assert names[size] in second and names[0] not in second
    assert f"thứ {size + 1} đến {size + 3} trong số {size + 3}" in second
    past = client.get("/dashboards/district/645?year=2020&page=7").get_data(as_text=True)
    assert f"Trang 7 vượt quá số trang của danh sách (tổng cộng {size + 3})" in past
    assert "/dashboards/district/645?page=1&amp;year=2020" in past
    assert "chưa có doanh nghiệp nào" not in past and "thứ 0 đến 0" not in past
    # the footer counts the whole unit on every page
    for html in (first, second, past):
        assert f'data-value="{size + 3}"' in html


def test_a_district_user_sees_only_their_district_and_gets_404_for_another(client, login_as):
    login_as(Role.DISTRICT, unit=factories.unit("644"))
    admitted(date(2020, 3, 3), factories.enterprise("643", name="Công ty Khác Huyện"))
    html = client.get("/dashboards/districts").get_data(as_text=True)
    assert "Thị xã Buôn Hồ" in html and "Thành phố Buôn Ma Thuột" not in html
    assert client.get("/dashboards/district/644").status_code == 200
    assert client.get("/dashboards/district/643").status_code == 404
    assert client.get("/dashboards/funnel?unit=643").status_code == 404
    assert "Công ty Khác Huyện" not in client.get("/dashboards/due").get_data(as_text=True)


def test_an_enterprise_user_sees_their_enterprise_on_the_overview(client, login_as):
    mine = factories.enterprise("643", name="Công ty Của Tôi")
    login_as(Role.ENTERPRISE, enterprise=mine)
    factories.enterprise("643", name="Công ty Hàng Xóm")
    html = client.get("/dashboards/").get_data(as_text=True)
    assert "Công ty Của Tôi" in html and "Công ty Hàng Xóm" not in html
    assert "Công ty Hàng Xóm" not in client.get("/dashboards/district/643").get_data(as_text=True)
    assert client.get("/dashboards/district/644").status_code == 404


def test_pages_require_login_and_refuse_the_admin(client, login_as):
    assert client.get("/dashboards/").status_code == 302
    login_as(Role.ADMIN)
    assert client.get("/dashboards/").status_code == 403


def test_a_bad_as_of_is_a_400_and_a_year_without_plan_a_404(client, login_as):
    login_as(Role.BOARD)
    assert client.get("/dashboards/?as_of=31/02/2020").status_code == 400
    assert client.get("/dashboards/?year=2031").status_code == 404
    assert client.get("/dashboards/?as_of=30/06/2020").status_code == 200


def test_the_error_page_says_what_was_wrong_in_vietnamese(client, login_as):
    login_as(Role.BOARD)
    bad_day = client.get("/dashboards/due?as_of=2020-02-30").get_data(as_text=True)
    assert "Ngày “tính đến” không hợp lệ: hãy ghi theo dạng YYYY-MM-DD" in bad_day
    assert "Không hiểu được yêu cầu gửi lên" not in bad_day
    assert "Chưa có kế hoạch cho năm này" in client.get("/dashboards/?year=2031").get_data(as_text=True)
    # werkzeug's own English descriptions are not shown: the page's generic message is
    assert "requested URL was not found" not in client.get("/dossiers/999999").get_data(as_text=True)


def test_past_year_defaults_to_31_december(app, client, login_as):
    from ldld_tracker.dashboards.period import choose
    from ldld_tracker.dashboards.queries import plans

    app.config["FIXED_TODAY"] = "2021-03-01"
    assert choose(plans(), "2020", None).as_of == date(2020, 12, 31)
    assert choose(plans(), None, None).year == 2020


def test_due_page_lists_an_overdue_ceremony_and_a_certificate_about_to_expire(client, login_as):
    login_as(Role.BOARD)
    admitted(date(2020, 9, 1), factories.enterprise(), full_name="Y Bih Niê")
    factories.dossier(factories.person(full_name="H'Hen Mlô"), trained_on=date(2016, 1, 10),
                      certificate_no="C1")
    html = client.get("/dashboards/due?as_of=2020-12-15").get_data(as_text=True)
    assert "Y Bih Niê" in html and "H&#39;Hen Mlô" in html


def test_a_due_row_links_its_dossier_escapes_the_names_and_shows_its_dates(client, login_as):
    from ldld_tracker.workflow.calendar import add_working_days
    from ldld_tracker.workflow.rules import rule_values

    login_as(Role.BOARD)
    dossier = admitted(date(2020, 9, 1), factories.enterprise(name="<b>Xưởng</b> Ea Kar"),
                       full_name="Y <i>Bih</i> Niê")
    html = client.get("/dashboards/due?as_of=2020-12-15").get_data(as_text=True)
    link = f'<a href="/dossiers/{dossier.id}">'
    row = html[html.index(f'<th scope="row">{link}'):]
    cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row[:row.index("</tr>")])
    due = add_working_days(date(2020, 9, 1), rule_values().ceremony_working_days)
    assert cells == [
        f"{link}Y &lt;i&gt;Bih&lt;/i&gt; Niê</a>", "&lt;b&gt;Xưởng&lt;/b&gt; Ea Kar",
        "Thành phố Buôn Ma Thuột", "Kết nạp", "01/09/2020",
        f'{due:%d/%m/%Y} <span class="badge text-bg-danger">Quá hạn</span>']


def _median_row_labels(html: str) -> list[str]:
    table = html[html.index('id="t-medians"'):]
    table = table[table.index("<tbody>"):table.index("</tbody>")]
    return [label.strip() for label in re.findall(r'<th scope="row">([^<]*)</th>', table)]


def _median_cells(html: str, label: str) -> list[str]:
    row = html[html.index(f'<th scope="row">{label}</th>'):]
    return re.findall(r'<td class="text-end">([^<]*)</td>', row[:row.index("</tr>")])


def _unit_names(user) -> list[str]:
    """The names of the units of the user's area in 2020, in code order."""
    from ldld_tracker.dashboards import scope
    from ldld_tracker.extensions import db
    from ldld_tracker.models import Unit

    stmt = scope.unit_names(user, scope.plan_for_year(2020)).order_by(Unit.code)
    return [str(escape(name)) for _id, name in db.session.execute(stmt)]


def test_the_medians_table_has_one_row_named_after_the_area_when_it_is_one_unit_or_enterprise(
        client, login_as):
    mine = factories.enterprise("644", name="Công ty Của Tôi")
    for on in (date(2020, 9, 1), date(2020, 10, 1)):
        admitted(on, mine)
        admitted(on, factories.enterprise("643", name="Công ty Ở Buôn Ma Thuột"))
    page = "/dashboards/due?as_of=2020-12-15"
    board = login_as(Role.BOARD)
    html = client.get(page).get_data(as_text=True)
    assert _median_row_labels(html) == ["Tất cả đơn vị", *_unit_names(board)]
    assert _median_cells(html, "Thành phố Buôn Ma Thuột") != ["–"] * 9
    assert _median_cells(html, "Huyện Ea Súp") == ["–"] * 9  # nothing moved there
    assert _median_row_labels(client.get(page + "&unit=644").get_data(as_text=True)) == [
        "Thị xã Buôn Hồ"]
    client.post("/logout")
    login_as(Role.DISTRICT, unit=factories.unit("643"))
    assert _median_row_labels(client.get(page).get_data(as_text=True)) == [
        "Thành phố Buôn Ma Thuột"]
    client.post("/logout")
    login_as(Role.ENTERPRISE, enterprise=mine)
    assert _median_row_labels(client.get(page).get_data(as_text=True)) == ["Công ty Của Tôi"]


def test_coverage_lists_the_enterprises_to_follow_up_a_page_at_a_time(app, client, login_as):
    login_as(Role.BOARD)
    size = app.config["PAGE_SIZE"]
    names = [f"Công ty Cần Theo Dõi {n:03d}" for n in range(size + 2)]
    for name in names:
        factories.enterprise("647", name=name)
    first = client.get("/dashboards/coverage?unit=647&year=2020").get_data(as_text=True)
    assert names[size - 1] in first and names[size] not in first
    assert f"thứ 1 đến {size} trong số {size + 2}" in first
    assert "page=2" in first
    second = client.get("/dashboards/coverage?unit=647&year=2020&page=2").get_data(as_text=True)
    assert names[size] in second and names[size + 1] in second and names[0] not in second
    past = client.get("/dashboards/coverage?unit=647&year=2020&page=9")
    assert past.status_code == 200 and names[0] not in past.get_data(as_text=True)
    past_html = past.get_data(as_text=True)
    # past the end: how many there are and the way back, never "every enterprise is fine"
    assert f"Trang 9 vượt quá số trang của danh sách (tổng cộng {size + 2})" in past_html
    assert "Về trang đầu" in past_html and "page=1" in past_html
    assert "Mọi doanh nghiệp" not in past_html and "thứ 0 đến 0" not in past_html
    # the counts per unit cover every enterprise, whatever the page
    assert f'data-value="{size + 2}"' in second


def test_coverage_shows_a_page_of_units_under_the_total_of_them_all(app, client, login_as, monkeypatch):
    """The country's board sees 900 units with a union somewhere: their counts a page at a
    time, in code order, under the total of all of them; the list of enterprises keeps its
    own page when the units' page changes, and the other way round."""
    monkeypatch.setattr("ldld_tracker.dashboards.due.UNITS_PER_PAGE", 2)
    login_as(Role.BOARD)
    codes = ["643", "644", "645", "647", "657"]
    for code in codes:
        factories.enterprise(code, name=f"Công ty Ở {code}")
    factories.enterprise("645", name="Công ty Thứ Hai Ở 645")
    args = "year=2020&as_of=2020-06-30"
    html = client.get(f"/dashboards/coverage?{args}&units_page=2&page=1").get_data(as_text=True)
    table = html[html.index('id="t-coverage"'):html.index("</table>")]
    shown = re.findall(r'href="/dashboards/coverage\?[^"]*unit=(\d+)"', table)
    assert shown == codes[2:4]
    assert "Đơn vị thứ 3 đến 4 trong số 5, xếp theo mã." in table
    assert [int(v) for v in re.findall(r'data-value="(\d+)"', table)] == [2, 2, 2, 1, 1, 1, 6, 6, 6]
    assert f'href="/dashboards/coverage?units_page=3&amp;{args.replace("&", "&amp;")}#units"' in html
    app.config["PAGE_SIZE"] = 2  # (six enterprises to follow up: three pages)
    both = client.get(f"/dashboards/coverage?{args}&units_page=2&page=2").get_data(as_text=True)
    kept = args.replace("&", "&amp;")
    assert f'href="/dashboards/coverage?units_page=3&amp;{kept}&amp;page=2#units"' in both
    assert f'href="/dashboards/coverage?page=3&amp;{kept}&amp;units_page=2"' in both
    past = client.get(f"/dashboards/coverage?{args}&units_page=9").get_data(as_text=True)
    table = past[past.index('id="t-coverage"'):past.index("</table>")]
    assert "Trang 9 vượt quá số trang của danh sách (tổng cộng 5)" in table
    assert f'href="/dashboards/coverage?units_page=1&amp;{args.replace("&", "&amp;")}"' in table
    assert 'data-value="6"' in table  # the total still counts every unit


def test_coverage_lists_an_enterprise_where_nobody_was_identified(client, login_as):
    login_as(Role.BOARD)
    factories.enterprise("647", name="Công ty Chưa Phát Hiện")
    busy = factories.enterprise("647", name="Công ty Đã Phát Hiện", has_party_org=True)
    factories.dossier(factories.person(busy), identified_on=date(2020, 2, 2))
    html = client.get("/dashboards/coverage?unit=647").get_data(as_text=True)
    assert "Công ty Chưa Phát Hiện" in html and "Công ty Đã Phát Hiện" not in html


@pytest.mark.parametrize(("role", "expected"), [
    (Role.BOARD, ("1.250", "700", "310")), (Role.DISTRICT, ("1.000", "600", "300"))])
def test_breakdowns_show_the_reported_totals_of_the_scope(client, login_as, role, expected):
    reported("643", 1, 1000, women=600, ethnic_minority=300)
    reported("644", 2, 250, women=100, ethnic_minority=10)
    reported("643", 12, 5000, women=5000)  # December: not ended on 15/12/2020, not counted
    login_as(role)
    html = client.get("/dashboards/breakdowns?year=2020").get_data(as_text=True)
    table = html[html.index('id="t-reported"'):html.index('id="t-together"')]
    cells = re.findall(r'data-value="(\d+)">([\d.]+)<', table)
    assert [text for _value, text in cells] == list(expected)


def test_the_medians_table_shows_a_page_of_units_after_every_unit_together(
        client, login_as, monkeypatch):
    from ldld_tracker.dashboards import due

    monkeypatch.setattr(due, "UNITS_PER_PAGE", 2)
    for code in ("643", "644"):
        for on in (date(2020, 9, 1), date(2020, 10, 1)):
            admitted(on, factories.enterprise(code))
    names = _unit_names(login_as(Role.BOARD))
    page = "/dashboards/due?as_of=2020-12-15"
    first = client.get(page).get_data(as_text=True)
    assert _median_row_labels(first) == ["Tất cả đơn vị", *names[:2]]
    assert f"Đơn vị thứ 1 đến 2 trong số {len(names)}, xếp theo mã." in first
    assert 'href="/dashboards/due?page=2&amp;year=2020&amp;as_of=2020-12-15#medians"' in first
    second = client.get(page + "&page=2").get_data(as_text=True)
    assert _median_row_labels(second) == ["Tất cả đơn vị", *names[2:4]]
    # every unit together is the whole area's on every page
    assert _median_cells(second, "Tất cả đơn vị") == _median_cells(first, "Tất cả đơn vị")
    past = client.get(page + "&page=99").get_data(as_text=True)
    assert _median_row_labels(past) == []
    assert "Trang 99 vượt quá số trang của danh sách" in past
    assert "Đơn vị thứ 0 đến 0" not in past
