"""The README's picture: Today, getting into a stretch, and holding it, on a phone, from the real app in headless
Chromium (run it after changing those pages).

Usage: PYTHONPATH=src .venv/bin/python scripts/readme_image.py
"""

from __future__ import annotations

import sys
import tempfile
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # tests/web.py: the live server and Chromium the tests use
from PIL import Image  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402
from tests.web import LiveServer, chromium_path, in_position  # noqa: E402

from backstretch.core.profile import PainArea, Profile  # noqa: E402
from backstretch.core.safety import QUESTIONS, Screening  # noqa: E402
from backstretch.core.vocab import Equipment  # noqa: E402
from backstretch.store import open_store  # noqa: E402

d = tempfile.mkdtemp()
url = f"sqlite:///{d}/s.sqlite3"
store = open_store(url)
home = (Equipment.CHAIR, Equipment.WALL, Equipment.MAT)
store.save_profile(Profile(minutes=8, pain_areas=(PainArea.LOWER_BACK,), equipment=home))
store.add_screening(Screening(date.today(), {q.id: False for q in QUESTIONS}))
store.dismiss_score_week(0, date.today())  # the picture shows the routine, not the first scores prompt
with LiveServer(url) as server, sync_playwright() as p:
    b = p.chromium.launch(executable_path=chromium_path())
    page = b.new_page(viewport={"width": 390, "height": 844}, device_scale_factor=1)
    page.goto(server.url + "/today")
    page.screenshot(path=f"{d}/r-today.png")
    page.goto(server.url + "/player?speed=20")
    page.locator("#before").get_by_role("button", name="2", exact=True).click()
    in_position(page, "setup")
    page.wait_for_timeout(500)
    page.screenshot(path=f"{d}/r-setup.png")
    in_position(page, "hold")
    page.wait_for_timeout(300)
    page.screenshot(path=f"{d}/r-hold.png")
    b.close()
ims = [Image.open(f"{d}/r-{n}.png").convert("RGB") for n in ("today", "setup", "hold")]
gap = 24
sheet = Image.new("RGB", (sum(i.width for i in ims) + gap * 4, max(i.height for i in ims) + gap * 2), (235, 240, 244))
x = gap
for i in ims:
    sheet.paste(i, (x, gap))
    x += i.width + gap
sheet = sheet.resize((sheet.width * 2 // 3, sheet.height * 2 // 3), Image.LANCZOS)
sheet.save(ROOT / "docs" / "images" / "today-and-player.png", optimize=True)
print(sheet.size)
