"""What the journeys check on every page: no horizontal scrolling, no serious accessibility
violation (axe-core), a chart really drawn; and the clicks they share.

Selectors use ids, names and data-testid attributes, never the words on the page, so the
journeys pass in Vietnamese and in English alike.
"""

from __future__ import annotations

from pathlib import Path

from .conftest import ARTIFACTS

AXE_SOURCE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text(encoding="utf-8")
BLOCKING_IMPACTS = ("serious", "critical")


def assert_no_horizontal_scroll(page) -> None:
    """The page fits the viewport's width: nothing to scroll sideways (tables scroll inside
    their own .table-responsive box, which is fine)."""
    widths = page.evaluate(
        "() => ({doc: document.documentElement.scrollWidth, body: document.body.scrollWidth,"
        " view: window.innerWidth})")
    assert max(widths["doc"], widths["body"]) <= widths["view"], (
        f"{page.url} scrolls sideways: page {widths['doc']}px wide in a {widths['view']}px window")


def axe_violations(page) -> list[tuple[str, str]]:
    """Serious and critical axe-core violations on the page: (rule and help, the element and
    what to fix) for each element in fault.

    axe is evaluated through the DevTools protocol, which the page's Content-Security-Policy
    does not apply to (a <script> tag would be refused, as it should be)."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_SOURCE)
    violations = page.evaluate("""async () => {
        const result = await window.axe.run(document, {
            runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]},
            resultTypes: ["violations"],
        });
        return result.violations.map((v) => ({
            id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.map((n) => [n.target.join(" "), n.failureSummary]),
        }));
    }""")
    return [(f"{v['id']} ({v['impact']}): {v['help']}", f"{target} :: {summary}")
            for v in violations if v["impact"] in BLOCKING_IMPACTS for target, summary in v["nodes"]]


def chart_state(page, canvas_selector: str) -> dict:
    """Whether a Chart.js instance is bound to the canvas and how many of its pixels are not
    transparent (an empty canvas has none)."""
    return page.locator(canvas_selector).first.evaluate("""(canvas) => {
        const chart = window.Chart ? window.Chart.getChart(canvas) : undefined;
        const ctx = canvas.getContext("2d");
        const data = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
        let painted = 0;
        for (let i = 3; i < data.length; i += 4) { if (data[i] !== 0) painted++; }
        return {chart: chart !== undefined, datasets: chart ? chart.data.datasets.length : 0,
                points: chart ? chart.data.labels.length : 0, painted: painted,
                width: canvas.width, height: canvas.height};
    }""")


def open_menu_item(page, href_end: str) -> None:
    """Follow a main-menu link, opening the collapsed menu first on a narrow screen."""
    link = page.locator(f"#mainnav a[href$='{href_end}']")
    toggler = page.locator("nav .navbar-toggler")
    if toggler.is_visible():
        toggler.click()
        link.wait_for(state="visible")
    link.click()


def form_of(page, code: str):
    """The form recording milestone ``code`` on a dossier page (next step or correction)."""
    return page.locator(f"form[action$='/milestones/{code}']")


def screenshot(page, name: str) -> Path:
    """Keep a screenshot of the page under test-artifacts/ (to look at, and for the report)."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
