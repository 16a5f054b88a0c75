"""A local app with no login: other websites cannot post to it, and serving beyond this computer is flagged."""

from __future__ import annotations

import contextlib
import os
import selectors
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from playwright.sync_api import Browser, Error, Page, expect

from backstretch.cli.serve import is_loopback
from backstretch.core.accounts import Role
from backstretch.store import open_store
from backstretch.store.accounts import Accounts
from backstretch.web.app import CROSS_SITE, create_app
from backstretch.web.security import BODY_LIMIT, SIGNED_OUT_LIMIT, TOO_LARGE
from tests.web import LiveServer

PASSWORD = "a long clinic password"
# Every response the service worker keeps, with its body.
CACHED = """caches.keys().then(async (names) => {
  const kept = [];
  for (const name of names) {
    const cache = await caches.open(name);
    for (const request of await cache.keys()) kept.push(request.url + " " + await (await cache.match(request)).text());
  }
  return kept;
})"""

WRITES = [
    ("/onboarding/clearance", {}),
    ("/api/screening/clearance", {}),
    ("/settings/delete", {"data": {"confirm": "DELETE"}}),
    ("/settings/import", {"files": {"file": ("b.json", b"{}")}}),
    ("/progress/pain", {"data": {"value": "3"}}),
]


@pytest.mark.parametrize("headers", [
    {"Sec-Fetch-Site": "cross-site"},
    {"Sec-Fetch-Site": "same-site"},
    {"Sec-Fetch-Site": "cross-site", "Origin": "http://testserver"},  # the browser's own word wins
    {"Origin": "https://evil.example"},
    {"Origin": "http://testserver:8001"},
    {"Origin": "null"},
])  # fmt: skip
def test_writes_from_other_websites_are_refused(headers: dict[str, str], tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'csrf.sqlite3'}"
    client = TestClient(create_app(url))
    for path, kwargs in WRITES:
        response = client.post(path, headers=headers, follow_redirects=False, **kwargs)
        assert response.status_code == 403, (path, response.status_code)
        assert CROSS_SITE in (response.json()["detail"] if path.startswith("/api/") else response.text), path
    assert open_store(url).measures() == []


@pytest.mark.parametrize("headers", [
    {},  # curl, scripts, tests
    {"Sec-Fetch-Site": "same-origin"},
    {"Sec-Fetch-Site": "none"},  # typed by the person
    {"Origin": "http://testserver"},
    {"Sec-Fetch-Site": "same-origin", "Origin": "http://testserver"},
])  # fmt: skip
def test_writes_from_the_app_itself_pass(headers: dict[str, str], tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'ok.sqlite3'}"
    client = TestClient(create_app(url))
    saved = client.post("/progress/pain", data={"value": "3"}, headers=headers, follow_redirects=False)
    assert saved.status_code == 303
    assert len(open_store(url).measures()) == 1
    # Reading is never refused, wherever the request comes from.
    assert client.get("/progress", headers={"Sec-Fetch-Site": "cross-site"}).status_code == 200


def test_only_loopback_addresses_count_as_this_computer() -> None:
    for host in ("127.0.0.1", "127.0.0.2", "::1", "[::1]", "localhost", "LocalHost", "::ffff:127.0.0.1"):
        assert is_loopback(host), host
    for host in ("0.0.0.0", "::", "", "192.168.1.20", "10.0.0.1", "fe80::1", "example.com", "mybox.local"):
        assert not is_loopback(host), host


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _serve_output(host: str, tmp_path: Path) -> str:
    """What `backstretch serve` says as it starts, until it says where it runs (or 20 s pass)."""
    command = [sys.executable, "-m", "backstretch", "serve", "--host", host, "--port", str(_free_port()),
               "--db", f"sqlite:///{tmp_path / 'serve.sqlite3'}"]  # fmt: skip
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        assert process.stdout is not None
        with selectors.DefaultSelector() as selector:
            selector.register(process.stdout, selectors.EVENT_READ)
            seen = ""
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline and not ("running at" in seen and "Use --host" in seen):
                if selector.select(timeout=0.5):
                    chunk = os.read(process.stdout.fileno(), 4096)  # unbuffered: select sees every byte
                    if not chunk:
                        break
                    seen += chunk.decode()
                elif "running at" in seen and host in ("127.0.0.1", "localhost"):
                    break  # no warning follows on this computer
            return seen
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_serving_to_the_network_warns_but_still_serves(tmp_path: Path) -> None:
    shown = " ".join(_serve_output("0.0.0.0", tmp_path).split())
    assert "running at" in shown
    assert "other devices on the network" in shown and "no login" in shown and "--host 127.0.0.1" in shown
    quiet = " ".join(_serve_output("127.0.0.1", tmp_path).split())
    assert "running at" in quiet and "Warning" not in quiet


def _sign_in(page: Page, server: LiveServer, email: str) -> None:
    page.goto(f"{server.url}/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_after_signing_out_nothing_personal_can_be_read_offline(browser: Browser, tmp_path: Path) -> None:
    """A clinician on a shared computer: once signed out, neither the patients list nor a patient's page opens
    offline, and Cache Storage holds no copy of either."""
    url = f"sqlite:///{tmp_path / 'shared.sqlite3'}"
    with LiveServer(url, multi_user=True) as server:
        accounts = Accounts(open_store(url).engine)
        doc = accounts.create("doc@example.org", Role.CLINICIAN, "Dr Doc", PASSWORD)
        amy = accounts.join(accounts.issue_link("invite", "amy@example.org", Role.PATIENT, doc.id), "Amy Quill",
                            PASSWORD)  # fmt: skip
        context = browser.new_context()
        page = context.new_page()
        _sign_in(page, server, "doc@example.org")
        page.wait_for_url("**/clinic")
        assert page.evaluate("navigator.serviceWorker.ready.then(() => true)")
        page.reload()  # now the service worker serves, and keeps what it may
        patient = page.goto(f"{server.url}/clinic/patients/{amy.id}")
        assert patient is not None and patient.headers["cache-control"] == "no-store"
        expect(page.get_by_role("heading", name="Amy Quill")).to_be_visible()
        page.goto(f"{server.url}/library")  # the library is the same for everyone: kept while signed in
        assert all("Amy Quill" not in kept for kept in page.evaluate(CACHED)), "nothing personal kept even now"
        with page.expect_response(lambda r: r.url.endswith("/logout")) as signed_out:
            page.get_by_role("button", name="Sign out").click()
        assert signed_out.value.all_headers()["clear-site-data"] == '"cache", "storage"'
        page.wait_for_url("**/login")
        assert not [k for k in page.evaluate(CACHED) if "/clinic" in k.split(" ", 1)[0] or "Amy Quill" in k]
        context.set_offline(True)
        for path in ("/clinic", f"/clinic/patients/{amy.id}"):
            with contextlib.suppress(Error):  # offline and not kept: the browser's own error page
                page.goto(f"{server.url}{path}")
            shown = ""
            for _ in range(40):  # the browser's error page may still be replacing the last page
                try:
                    shown = page.content()
                    break
                except Error:
                    page.wait_for_timeout(250)
            assert shown and "Amy Quill" not in shown and "Your patients" not in shown, path
        context.close()


@pytest.mark.parametrize("multi_user", [False, True])
def test_a_page_on_another_name_cannot_reach_the_app(multi_user: bool, tmp_path: Path) -> None:
    """DNS rebinding: a site whose name is made to point at this computer sends its own name as Host; nothing is
    read or written for it, while this computer's own names and the configured one work."""
    url = f"sqlite:///{tmp_path / 'hosts.sqlite3'}"
    app = create_app(url, multi_user=multi_user, hosts=["https://clinic.example.org/"])
    for name in ("rebind.attacker.example", "127.0.0.1.attacker.example", "clinic.example.org.evil", ""):
        client = TestClient(app, base_url=f"http://{name or 'x'}:8000")
        client.headers["host"] = f"{name}:8000" if name else ""
        assert client.get("/api/export").status_code == 400
        refused = client.post("/progress/pain", data={"value": "3"}, headers={"Origin": f"http://{name}:8000"})
        assert refused.status_code == 400 and "--allow-host" in refused.text
    assert open_store(url).measures() == []
    for name in ("127.0.0.1", "localhost", "[::1]", "LOCALHOST", "clinic.example.org"):
        assert TestClient(app, base_url=f"http://{name}:8000").get("/api/health").status_code == 200, name


def test_serving_to_the_network_answers_to_the_names_given(tmp_path: Path) -> None:
    port = _free_port()
    command = [sys.executable, "-m", "backstretch", "serve", "--host", "0.0.0.0", "--port", str(port),
               "--allow-host", "mybox.example", "--db", f"sqlite:///{tmp_path / 'serve.sqlite3'}"]  # fmt: skip
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                answer = httpx.get(f"http://127.0.0.1:{port}/api/health", headers={"Host": "mybox.example"})
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline, "the server did not start"
                time.sleep(0.2)
        assert answer.status_code == 200
        assert httpx.get(f"http://127.0.0.1:{port}/api/health").status_code == 200
        assert httpx.get(f"http://127.0.0.1:{port}/api/export", headers={"Host": "other.example"}).status_code == 400
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_no_page_shows_inside_another_sites_frame(page: Page, live_server: LiveServer) -> None:
    """Clickjacking: another site frames the safety verdict under its own buttons; the browser shows nothing there."""
    page.route("http://attacker.example/", lambda route: route.fulfill(content_type="text/html", body=(
        f'<h1>Win a prize</h1><iframe id="t" src="{live_server.url}/onboarding/verdict" width="600" height="600">'
        "</iframe>")))  # fmt: skip
    page.goto("http://attacker.example/")
    page.wait_for_timeout(500)
    framed = page.frame_locator("#t")
    expect(framed.locator("main")).to_have_count(0)
    answer = httpx.get(f"{live_server.url}/onboarding/verdict")
    assert answer.headers["x-frame-options"] == "DENY"
    assert "frame-ancestors 'none'" in answer.headers["content-security-policy"]
    assert answer.headers["x-content-type-options"] == "nosniff" and answer.headers["referrer-policy"] == "same-origin"


def test_the_pages_run_under_the_strict_policy(page: Page, live_server: LiveServer) -> None:
    """No script or style of the app's own pages is one the Content-Security-Policy blocks."""
    blocked: list[str] = []
    page.on("console", lambda m: blocked.append(m.text) if "Content Security Policy" in m.text else None)
    for path in ("/onboarding/profile", "/library", "/library/cat-stretch", "/today", "/progress", "/settings",
                 "/desk", "/player?minutes=3"):  # fmt: skip
        page.goto(f"{live_server.url}{path}")
        page.wait_for_load_state("networkidle")
    assert blocked == []


def test_a_body_over_its_limit_is_refused_before_it_is_read(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'limits.sqlite3'}"
    client = TestClient(create_app(url))
    big = {"kind": "pain", "value": 3, "note": "x" * (BODY_LIMIT + 1)}
    declared = client.post("/api/measures", json=big)
    assert declared.status_code == 413 and declared.json()["detail"] == TOO_LARGE

    def chunks() -> Iterator[bytes]:  # no Content-Length: counted as it arrives
        yield b'{"kind": "pain", "value": 3, "note": "'
        for _ in range(BODY_LIMIT // 65536 + 1):
            yield b"x" * 65536
        yield b'"}'

    streamed = client.post("/api/measures", content=chunks(), headers={"Content-Type": "application/json"})
    assert streamed.status_code == 413 and streamed.json()["detail"] == TOO_LARGE
    assert open_store(url).measures() == []
    # A backup to import may be larger than any other request.
    backup = client.post("/settings/import", files={"file": ("b.json", b" " * (2 * BODY_LIMIT) + b"{}")})
    assert backup.status_code == 422 and "nothing was imported" in backup.text


def test_signed_out_a_large_body_is_refused_before_anything_reads_it(database_url: str) -> None:
    app = create_app(database_url, multi_user=True)
    body = {"kind": "pain", "value": 3, "note": "x" * (SIGNED_OUT_LIMIT * 4)}
    stranger = TestClient(app)
    stranger.cookies.set("backstretch_login", "made-up")
    assert stranger.post("/api/measures", json=body).status_code == 413
    assert stranger.post("/login", data={"email": "x" * SIGNED_OUT_LIMIT * 2}).status_code == 413
    accounts = Accounts(open_store(database_url).engine)
    doc = accounts.create("doc@example.org", Role.CLINICIAN, "Dr Doc", PASSWORD)
    amy = accounts.join(accounts.issue_link("invite", "amy@example.org", Role.PATIENT, doc.id), "Amy", PASSWORD)
    signed_in = TestClient(app)
    signed_in.cookies.set("backstretch_login", accounts.open_login(amy.id))
    signed_in.cookies.set("backstretch_csrf", "token")
    answer = signed_in.post("/api/measures", json=body, headers={"X-CSRF-Token": "token"})
    assert answer.status_code == 422 and "note" in str(answer.json()["detail"]), "read, and its note found too long"
