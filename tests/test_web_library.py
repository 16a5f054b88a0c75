"""The library in the browser: filters and search narrow the list, each stretch has its page, bad ids are a 404."""

from __future__ import annotations

from axe_playwright_python.sync_playwright import Axe
from fastapi.testclient import TestClient
from playwright.sync_api import Page, expect

from backstretch.core.catalogue import filter_stretches
from backstretch.core.vocab import CONDITION_LABELS, Region
from backstretch.library import load_catalogue
from backstretch.web.app import create_app
from tests.web import LiveServer, screenshot


def test_filters_and_search_show_exactly_the_matching_stretches(page: Page, live_server: LiveServer) -> None:
    catalogue = load_catalogue()
    page.goto(f"{live_server.url}/library")
    expect(page.locator("#stretch-list .card")).to_have_count(len(catalogue))
    screenshot(page, "library")
    page.get_by_label("Region").select_option("neck")
    page.get_by_label("At a desk").check()
    page.get_by_role("button", name="Show").click()
    expected = filter_stretches(catalogue, region=Region.NECK, desk=True)
    expect(page.locator("#stretch-list .card")).to_have_count(len(expected))
    names = page.locator("#stretch-list .card .name").all_inner_texts()
    assert names == [s.name for s in expected]
    page.get_by_label("Region").select_option("")
    page.get_by_label("At a desk").uncheck()
    page.get_by_label("Search").fill("cat")
    page.get_by_role("button", name="Show").click()
    expect(page.locator("#stretch-list .card")).to_have_count(len(filter_stretches(catalogue, text="cat")))
    page.locator("#stretch-list .card a").first.click()
    expect(page.get_by_role("heading", level=2, name="Getting into it")).to_be_visible()
    expect(page.locator(".figure svg")).to_be_visible()
    screenshot(page, "stretch")
    assert Axe().run(page).violations_count == 0


def test_unknown_stretch_and_bad_filter_are_clear_errors() -> None:
    client = TestClient(create_app())
    assert client.get("/library/no-such-stretch").status_code == 404
    assert "no stretch called" in client.get("/library/no-such-stretch").text
    bad = client.get("/api/stretches", params={"region": "elbow"})
    assert bad.status_code == 422 and "region" in bad.json()["detail"][0]
    assert client.get("/library", params={"region": "elbow"}).status_code == 422
    api = client.get("/api/stretches", params={"region": "neck", "desk": "true"}).json()
    assert [s["id"] for s in api] == [s.id for s in filter_stretches(load_catalogue(), region=Region.NECK, desk=True)]


def test_pages_already_visited_open_offline(page: Page, live_server: LiveServer) -> None:
    page.goto(f"{live_server.url}/library")
    assert page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.reload()  # now controlled by the service worker, which keeps what it serves
    expect(page.locator("#stretch-list .card")).to_have_count(len(load_catalogue()))
    page.context.set_offline(True)
    page.reload()
    expect(page.get_by_role("heading", name="The stretch library")).to_be_visible()
    expect(page.locator("#stretch-list .card img").first).to_be_visible()
    manifest = page.evaluate("fetch('/static/manifest.webmanifest').then(r => r.json())")
    assert manifest["start_url"] == "/today" and manifest["display"] == "standalone"


def test_who_should_not_do_a_stretch_is_in_plain_words() -> None:
    client = TestClient(create_app())
    for sid in load_catalogue():
        text = client.get(f"/library/{sid}").text
        listed = text.split("Who should not do this one", 1)[1].split("</ul>", 1)[0] if "Who should not" in text else ""
        for condition in load_catalogue()[sid].avoid_if:
            assert CONDITION_LABELS[condition] in listed, (sid, condition)
            assert "-" not in condition.value or condition.value not in listed, (sid, condition)
    cobra = client.get("/library/cobra-pose").text
    assert "Pregnancy after the first three months" in cobra and "pregnancy-after-first-trimester" not in cobra
