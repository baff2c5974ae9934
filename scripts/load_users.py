"""One simulated user: a browser tab signed in as one account, looping until the deadline
over page views, API calls, exports and (for officers) milestone entries on people of
their own, with now and then a designed race: the same dossier saved from two tabs at once,
where exactly one save must win and the other must get the conflict answer (409).

Every response is recorded; every write the server acknowledged (a redirect after a POST)
is remembered, to be looked for in the database afterwards.
"""

from __future__ import annotations

import random
import re
import threading
import time
from dataclasses import dataclass, field

from browser import Browser, Response
from html_forms import form_posting_to, form_with_field
from load_setup import PASSWORD, Account

# The steps recorded on each new dossier, in order, with their dates (all in 2020, so the
# 2020 plan's figures must grow by exactly the acknowledged entries) and details.
STEPS: tuple[tuple[str, str, dict[str, str]], ...] = (
    ("identified", "02/11/2020", {"identified-identified_by": "BCH CĐCS (load test)"}),
    ("applied", "16/11/2020", {}),
    ("verified", "01/12/2020", {}),
    ("trained", "03/12/2020", {"trained-certificate_no": "LT-2020"}),
)
STEP_DATES = {code: on for code, on, _details in STEPS}
CITIZEN_PREFIX = "0019"  # 0019 + user (2 digits) + sequence (6 digits): never a demo ID
OFFICER_PAGES = ("/", "/dossiers/", "/members/", "/enterprises/", "/dashboards/")
BOARD_PAGES = ("/", "/dossiers/", "/dashboards/", "/dashboards/districts", "/dashboards/funnel",
               "/dashboards/timeline", "/dashboards/breakdowns", "/dashboards/coverage",
               "/dashboards/due")
API_PATHS = ("/api/v1/progress?year=2020",)
# Downloads of personal data and reports (issue 4); those this version lacks are left out.
EXPORT_PATHS = ("/reports/dossiers.xlsx?year=2020", "/reports/progress.xlsx?year=2020",
                "/reports/due.xlsx", "/imports/templates/dossiers.xlsx")
ID_IN = re.compile(r"/(\d+)(?:[/?#]|$)")


@dataclass
class Record:
    user: str
    kind: str  # login, page, api, export, write
    route: str
    status: int  # 0: no answer (connection error or timeout)
    elapsed: float
    expected: bool
    note: str = ""


@dataclass
class Race:
    dossier_id: int
    statuses: dict[str, int]


@dataclass
class Journal:
    """What happened, shared by all the simulated users."""

    records: list[Record] = field(default_factory=list)
    people: dict[str, int] = field(default_factory=dict)  # citizen ID -> person id
    dossiers: dict[int, int] = field(default_factory=dict)  # dossier id -> person id
    milestones: list[tuple[int, str, str]] = field(default_factory=list)  # dossier, code, date
    races: list[Race] = field(default_factory=list)
    logins: int = 0  # acknowledged sign-ins (each one an audit entry)
    lock: threading.Lock = field(default_factory=threading.Lock)


class SimulatedUser:
    def __init__(self, account: Account, url: str, journal: Journal, deadline: float,
                 routes: dict[str, list[str]], seed: int) -> None:
        self.account = account
        self.browser = Browser(url, timeout=60)
        self.journal = journal
        self.deadline = deadline
        self.routes = routes  # the pages, API paths and exports this role gets 200 from
        self.random = random.Random(seed)
        self.sequence = 0
        self.seen_dossiers: list[int] = []
        self.pending: dict[int, list[str]] = {}  # own dossier -> steps not recorded yet

    # --- recording ----------------------------------------------------------------

    def call(self, kind: str, route: str, path: str, data: dict[str, str] | None = None,
             expect: tuple[int, ...] = (200,)) -> Response | None:
        method = "GET" if data is None else "POST"
        try:
            response = self.browser.request(method, path, data)
        except OSError as error:
            self._record(kind, f"{method} {route}", 0, 0.0, False, type(error).__name__)
            return None
        self._record(kind, f"{method} {route}", response.status, response.elapsed,
                     response.status in expect, "" if response.status in expect else path)
        return response

    def _record(self, *args: object) -> None:
        with self.journal.lock:
            self.journal.records.append(Record(self.account.username, *args))  # type: ignore[arg-type]

    # --- the loop -----------------------------------------------------------------

    def run(self) -> None:
        if not self.sign_in():
            return
        page = self.call("page", "/dossiers/", "/dossiers/")
        if page is not None:
            self.seen_dossiers = [int(n) for n in re.findall(r'href="/dossiers/(\d+)"', page.body)]
        actions = [(self.view, 50), (self.api, 12), (self.export, 5)]
        if self.account.writes:
            actions += [(self.write, 30), (self.race, 3)]
        choices, weights = zip(*actions, strict=True)
        while time.monotonic() < self.deadline:
            self.random.choices(choices, weights)[0]()

    def sign_in(self) -> bool:
        page = self.call("login", "/login", "/login")
        form = form_with_field(page.body, "password") if page is not None else None
        if form is None:
            return False
        done = self.call("login", "/login", "/login", form.data(
            username=self.account.username, password=PASSWORD), expect=(302,))
        if done is not None and done.status == 302:
            with self.journal.lock:
                self.journal.logins += 1
            return True
        return False

    def view(self) -> None:
        pages = self.routes["pages"]
        if self.seen_dossiers and self.random.random() < 0.3:
            dossier_id = self.random.choice(self.seen_dossiers)
            self.call("page", "/dossiers/<id>", f"/dossiers/{dossier_id}")
        elif pages:
            path = self.random.choice(pages)
            self.call("page", path, path)

    def api(self) -> None:
        if self.routes["api"]:
            path = self.random.choice(self.routes["api"])
            self.call("api", path.split("?")[0], path)

    def export(self) -> None:
        if self.routes["exports"]:
            path = self.random.choice(self.routes["exports"])
            self.call("export", path.split("?")[0], path)

    # --- writes on the user's own people ----------------------------------------

    def write(self) -> None:
        ready = [d for d, steps in self.pending.items() if steps]
        if ready and self.random.random() < 0.75:
            dossier_id = self.random.choice(ready)
            self.record_step(dossier_id, self.pending[dossier_id][0])
        else:
            self.new_dossier()

    def new_dossier(self) -> int | None:
        """Record a new person (the member form), then open their dossier."""
        form_page = self.call("page", "/members/new", "/members/new")
        form = form_with_field(form_page.body, "citizen_id") if form_page is not None else None
        if form is None:
            return None
        self.sequence += 1
        citizen_id = f"{CITIZEN_PREFIX}{self.account.index:02d}{self.sequence:06d}"
        values = {"full_name": f"Phạm Thị Tải {self.account.index}-{self.sequence}",
                  "birth_date": "15/06/1994", "citizen_id": citizen_id,
                  "sex": _first(form.options.get("sex")),
                  "ethnic_group_id": _first(form.options.get("ethnic_group_id")),
                  "role_category": "worker"}
        if "enterprise_id" in form.options:
            values["enterprise_id"] = str(self.account.enterprise_id)
        saved = self.call("write", "/members/new", "/members/new", form.data(**values),
                          expect=(302,))
        if saved is None or saved.status != 302:
            return None
        person_id = _id_in(saved.location)
        with self.journal.lock:
            self.journal.people[citizen_id] = person_id
        page = self.call("page", "/members/<id>", f"/members/{person_id}")
        opener = form_posting_to(page.body, f"/dossiers/open/{person_id}") if page else None
        if opener is None:
            return None
        opened = self.call("write", "/dossiers/open/<id>", opener.action, opener.data(),
                           expect=(302,))
        if opened is None or opened.status != 302:
            return None
        dossier_id = _id_in(opened.location)
        with self.journal.lock:
            self.journal.dossiers[dossier_id] = person_id
        self.pending[dossier_id] = [code for code, _on, _d in STEPS]
        return dossier_id

    def _step_data(self, page: Response, code: str) -> tuple[str, dict[str, str]] | None:
        form = form_posting_to(page.body, f"/milestones/{code}")
        if form is None:
            return None
        _code, on, details = next(s for s in STEPS if s[0] == code)
        return form.action, form.data(**{f"{code}-on": on}, **details)

    def record_step(self, dossier_id: int, code: str) -> None:
        page = self.call("page", "/dossiers/<id>", f"/dossiers/{dossier_id}")
        step = self._step_data(page, code) if page is not None else None
        if step is None:
            self._record("write", "form missing", 0, 0.0, False, f"{code} on {dossier_id}")
            return
        saved = self.call("write", "/dossiers/<id>/milestones/<code>", step[0], step[1],
                          expect=(302,))
        if saved is not None and saved.status == 302:
            self._acknowledge(dossier_id, code)

    def _acknowledge(self, dossier_id: int, code: str) -> None:
        self.pending[dossier_id].remove(code)
        with self.journal.lock:
            self.journal.milestones.append((dossier_id, code, STEP_DATES[code]))

    def race(self) -> None:
        """Two tabs open on the same new dossier save two different steps at once: one
        save must win (302), the other must be told of the conflict (409)."""
        dossier_id = self.new_dossier()
        if dossier_id is None:
            return
        page = self.call("page", "/dossiers/<id>", f"/dossiers/{dossier_id}")
        steps = {code: self._step_data(page, code) for code in ("identified", "applied")} \
            if page is not None else {}
        if not all(steps.values()):
            return
        statuses: dict[str, int] = {}
        barrier = threading.Barrier(2)

        def save(code: str) -> None:
            action, data = steps[code]
            tab = Browser(f"http://{self.browser.host}:{self.browser.port}", timeout=60)
            tab.cookies = dict(self.browser.cookies)
            barrier.wait()
            response = self._tab_call(tab, action, data)
            statuses[code] = response.status if response is not None else 0

        tabs = [threading.Thread(target=save, args=(code,)) for code in steps]
        for tab in tabs:
            tab.start()
        for tab in tabs:
            tab.join()
        with self.journal.lock:
            self.journal.races.append(Race(dossier_id, dict(statuses)))
        for code, status in statuses.items():
            if status == 302:
                self._acknowledge(dossier_id, code)

    def _tab_call(self, tab: Browser, path: str, data: dict[str, str]) -> Response | None:
        try:
            response = tab.request("POST", path, data)
        except OSError as error:
            self._record("write", "POST race", 0, 0.0, False, type(error).__name__)
            return None
        self._record("write", "POST /dossiers/<id>/milestones/<code> (race)", response.status,
                     response.elapsed, response.status in (302, 409))
        return response


def _first(options: list[str] | None) -> str:
    return next((o for o in options or [] if o), "")


def _id_in(location: str) -> int:
    match = ID_IN.search(location)
    if match is None:
        raise ValueError(f"no id in the redirect {location!r}")
    return int(match.group(1))
