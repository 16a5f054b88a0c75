"""One look on every page: axe finds nothing on any page the app serves, nor in any state of the player, at a
phone's size and a desk's, in the light scheme and the dark one, and no page scrolls sideways. The pages come from
the app's own routes, so a new page fails here until it is visited. Each page and state is saved in both sizes to
build/screenshots (look-*.png) for people to look at."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from fastapi.responses import HTMLResponse
from playwright.sync_api import Browser, Page, expect

from backstretch.core.accounts import Role
from backstretch.core.measures import pain
from backstretch.core.profile import Profile
from backstretch.core.safety import QUESTIONS, Screening
from backstretch.library import load_lessons
from backstretch.store import Store, open_store
from backstretch.store.accounts import Accounts
from backstretch.store.models import CareRow
from backstretch.web.app import create_app
from tests.helpers import five_weeks, record_session
from tests.web import PHONE, LiveServer, all_routes, in_position, past_the_warm_up, screenshot

SCHEMES = ("light", "dark")
STRETCH = "cat-stretch"
# Pages that exist only in clinic mode (one person's own computer has no accounts): 404 there.
CLINIC_ONLY = {"/login", "/join", "/reset", "/account", "/clinic", "/clinic/patients/{patient_id}"}


@dataclass(frozen=True)
class Visit:
    route: str  # the route's path as the app declares it
    name: str  # for the screenshot's file name
    url: str
    who: str | None = None  # clinic mode: whose login; None signed out (and always on one person's computer)
    status: int = 200  # an error page is a page too


@dataclass
class Site:
    server: LiveServer
    visits: list[Visit]
    logins: dict[str, str] = field(default_factory=dict)


def page_routes() -> set[str]:
    """Every GET route that answers with a page (not JSON, a file, a chart or a redirect)."""
    app = create_app("sqlite://", multi_user=True)
    return {path for path, route in all_routes(app.routes)
            if "GET" in route.methods and route.response_class is HTMLResponse}  # fmt: skip


def history(store: Store) -> tuple[int, int]:
    """Five weeks of stretching and measures, and a session finished today with pain before and after: its id and
    the id of a pain reading."""
    five_weeks(store)
    session = record_session(store, date.today(), 6)
    return session, store.add_measure(pain(3, date.today(), note="after a long drive"))


def own_pages(session: int, measure: int, who: str | None = None) -> list[Visit]:
    """The pages a person who stretches uses, with a history, as they see them."""
    slug = load_lessons()[0].slug
    pages = [("/", "home", "/"), ("/onboarding/profile", "profile", "/onboarding/profile"),
             ("/onboarding/safety", "safety", "/onboarding/safety"),
             ("/onboarding/verdict", "verdict", "/onboarding/verdict"), ("/today", "today", "/today"),
             ("/player", "player", "/player"), ("/sessions/{session_id}/done", "ending", f"/sessions/{session}/done"),
             ("/progress", "progress", "/progress"),
             ("/progress/measures/{measure_id}", "measure", f"/progress/measures/{measure}"),
             ("/library", "library", "/library"), ("/library/{stretch_id}", "stretch", f"/library/{STRETCH}"),
             ("/lessons", "lessons", "/lessons"), ("/lessons/{slug}", "lesson", f"/lessons/{slug}"),
             ("/desk", "desk", "/desk"), ("/settings", "settings", "/settings")]  # fmt: skip
    return [Visit(route, name, url, who) for route, name, url in pages]


@pytest.fixture
def single(tmp_path: Path) -> Iterator[Site]:
    url = f"sqlite:///{tmp_path / 'look.sqlite3'}"
    session, measure = history(open_store(url))
    visits = [*own_pages(session, measure), Visit("", "not-found", "/library/no-such-stretch", status=404)]
    with LiveServer(url) as server:
        yield Site(server, visits)


@pytest.fixture
def clinic(tmp_path: Path) -> Iterator[Site]:
    """A clinician caring for a patient with a history, a patient who has just joined, links to join and reset."""
    url = f"sqlite:///{tmp_path / 'clinic.sqlite3'}"
    store = open_store(url)
    accounts = Accounts(store.engine)
    doctor = accounts.create("doc@example.org", Role.CLINICIAN, "Dr Ada Doc", "a long clinic password")
    patient = accounts.create("sam@example.org", Role.PATIENT, "Sam Patient", "a long patient password")
    newcomer = accounts.create("new@example.org", Role.PATIENT, "Noor Newcomer", "a long patient password")
    with store.session() as s, s.begin():
        s.add(CareRow(clinician_id=doctor.id, patient_id=patient.id))
        s.add(CareRow(clinician_id=doctor.id, patient_id=newcomer.id))
    session, measure = history(store.for_person(patient.id))
    invite = accounts.issue_link("invite", "kim@example.org", Role.PATIENT, issued_by=doctor.id)
    reset = accounts.issue_link("reset", patient.email, Role.PATIENT, issued_by=doctor.id, person_id=patient.id)
    visits = [Visit("/login", "login", "/login"), Visit("/join", "join", f"/join?token={invite}"),
              Visit("/reset", "reset", f"/reset?token={reset}"),
              Visit("/join", "link-expired", "/join?token=not-a-link-at-all", status=410),
              Visit("/", "new-home", "/", "newcomer"),
              Visit("/onboarding/profile", "new-profile", "/onboarding/profile", "newcomer"),
              *own_pages(session, measure, "patient"), Visit("/account", "account", "/account", "patient"),
              Visit("/clinic", "clinic", "/clinic", "doctor"),
              Visit("/clinic/patients/{patient_id}", "patient", f"/clinic/patients/{patient.id}", "doctor"),
              ]  # fmt: skip
    logins = {who: accounts.open_login(person.id)
              for who, person in (("doctor", doctor), ("patient", patient), ("newcomer", newcomer))}  # fmt: skip
    with LiveServer(url, multi_user=True) as server:
        yield Site(server, visits, logins)


def test_every_page_is_visited_in_both_modes() -> None:
    """A page added to the app is looked at here too: each page route is among the visits of each mode it is in."""
    routes = page_routes()
    single = {v.route for v in own_pages(1, 1)}
    clinic = single | CLINIC_ONLY
    assert routes - CLINIC_ONLY <= single, f"pages no visit covers: {sorted(routes - CLINIC_ONLY - single)}"
    assert routes <= clinic, f"clinic pages no visit covers: {sorted(routes - clinic)}"


def violations(page: Page, where: str) -> list[str]:
    """What axe finds on the page, one line each: where, the rule, what it asks, and the elements."""
    found = Axe().run(page).response["violations"]
    return [f"{where}: {v['id']} ({v['impact']}): {v['help']}: "
            + "; ".join(" ".join(map(str, n["target"])) for n in v["nodes"][:5]) for v in found]  # fmt: skip


def look(page: Page, name: str, scheme: str, problems: list[str]) -> None:
    """axe and sideways scrolling at both sizes, and the screenshots."""

    def check(size: str) -> None:
        where = f"{name} at {size} ({scheme})"
        problems.extend(violations(page, where))
        wider = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        if wider > 0:
            problems.append(f"{where}: scrolls sideways by {wider} px")

    screenshot(page, f"look-{name}-{scheme}", check)


def visit_all(browser: Browser, site: Site, mode: str, scheme: str) -> list[str]:
    problems: list[str] = []
    contexts = {}
    for visit in site.visits:
        if visit.who not in contexts:
            contexts[visit.who] = browser.new_context(viewport=PHONE, color_scheme=scheme)  # type: ignore[arg-type]
            if visit.who is not None:
                contexts[visit.who].add_cookies([{"name": "backstretch_login", "value": site.logins[visit.who],
                                                  "url": site.server.url}])  # fmt: skip
            contexts[visit.who].new_page()
        page = contexts[visit.who].pages[0]
        answer = page.goto(site.server.url + visit.url)
        assert answer is not None
        if answer.status != visit.status:
            problems.append(f"{visit.name}: {visit.url} answered {answer.status}, not {visit.status}")
            continue
        expect(page.locator("h1").first).to_be_visible()
        look(page, f"{mode}-{visit.name}", scheme, problems)
    for context in contexts.values():
        context.close()
    return problems


@pytest.mark.parametrize("scheme", SCHEMES)
def test_every_page_on_ones_own_computer_passes_axe(browser: Browser, single: Site, scheme: str) -> None:
    problems = visit_all(browser, single, "single", scheme)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("scheme", SCHEMES)
def test_every_page_in_clinic_mode_passes_axe(browser: Browser, clinic: Site, scheme: str) -> None:
    problems = visit_all(browser, clinic, "clinic", scheme)
    assert not problems, "\n".join(problems)


@pytest.fixture
def ready(tmp_path: Path) -> Iterator[LiveServer]:
    url = f"sqlite:///{tmp_path / 'player.sqlite3'}"
    store = open_store(url)
    store.save_profile(Profile(minutes=5))
    store.add_screening(Screening(date.today(), {q.id: False for q in QUESTIONS}))
    with LiveServer(url) as server:
        yield server


def on_to(page: Page, panel: str) -> None:
    """Through the session as a person in a hurry (ready at each step that waits, each stretch just a stretch)
    until the panel shows."""
    shown, check, go = page.locator(panel), page.locator("#check"), page.locator("#go")
    for _ in range(600):
        if shown.is_visible():
            return
        if check.is_visible():
            page.get_by_role("button", name="Just a stretch").click()
        elif go.is_visible() and go.is_enabled():
            go.click()
        page.wait_for_timeout(50)
    raise AssertionError(f"{panel} did not show")


@pytest.mark.parametrize("scheme", SCHEMES)
def test_every_state_of_the_player_passes_axe(browser: Browser, ready: LiveServer, scheme: str) -> None:
    """Before, the checklist, the warm-up, a setup step that waits for the person, a hold, paused, it hurts, the pain
    check, the ending, saved; and "It hurts" looks different while it cannot be pressed."""
    context = browser.new_context(viewport=PHONE, color_scheme=scheme)  # type: ignore[arg-type]
    page = context.new_page()
    problems: list[str] = []
    page.goto(f"{ready.url}/player?minutes=5")
    expect(page.get_by_role("heading", name="Before you start")).to_be_visible()
    look(page, "player-before", scheme, problems)
    page.locator("#before").get_by_role("button", name="Skip this question").click()
    expect(page.locator("body[data-step='checklist']")).to_have_count(1)
    look(page, "player-checklist", scheme, problems)
    page.get_by_role("button", name="I'm ready").click()
    expect(page.get_by_role("heading", name="Warm up with easy movement")).to_be_visible()
    look(page, "player-warm-up", scheme, problems)  # "It hurts" cannot be pressed yet
    hurts = page.locator("#hurts")
    cannot = hurts.evaluate("(e) => [e.disabled, getComputedStyle(e).backgroundColor, getComputedStyle(e).borderStyle]")
    past_the_warm_up(page)
    in_position(page, "setup")
    look(page, "player-setup", scheme, problems)
    in_position(page)
    look(page, "player-hold", scheme, problems)
    can = hurts.evaluate("(e) => [e.disabled, getComputedStyle(e).backgroundColor, getComputedStyle(e).borderStyle]")
    assert cannot[0] and not can[0]
    assert cannot[1] != can[1] and cannot[2] == "dashed", "a button that cannot be pressed does not look like one"
    page.locator("#pause").click()
    expect(page.locator("#paused-label")).to_be_visible()
    look(page, "player-paused", scheme, problems)
    page.locator("#pause").click()
    page.keyboard.press("h")
    expect(page.get_by_role("heading", name="Stopped. Rest a moment.")).to_be_visible()
    look(page, "player-hurt", scheme, problems)

    page.goto(f"{ready.url}/player?minutes=5&speed=100")  # a new session, quickly to its pain check and end
    page.locator("#before").get_by_role("button", name="Skip this question").click()
    on_to(page, "#check")
    look(page, "player-check", scheme, problems)
    page.get_by_role("button", name="Just a stretch").click()
    on_to(page, "#end")
    look(page, "player-end", scheme, problems)
    page.locator("#end").get_by_role("button", name="2", exact=True).click()
    page.get_by_role("button", name="Save and finish").click()
    expect(page.get_by_role("heading", name="Saved")).to_be_visible()
    look(page, "player-saved", scheme, problems)
    context.close()
    assert not problems, "\n".join(problems)
