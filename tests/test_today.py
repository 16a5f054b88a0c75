"""Today's finished state, the minutes a person keeps, and the warm ending of a session, through the app layer over
a real SQLite store, the real command line, and the terminal renderer."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from rich.console import Console
from typer.testing import CliRunner

from backstretch.app.routine import Refusal, Routine, Routines
from backstretch.app.today import (
    PAIN_CHANGE_NOTICED,
    MinutesError,
    keep_minutes,
    mark_flare_day,
    pain_words,
    session_ending,
    today_view,
)
from backstretch.cli.ending import print_ending
from backstretch.cli.main import app
from backstretch.core.planner import PAIN_FREE_SESSIONS_TO_PROGRESS
from backstretch.core.profile import Profile, Weekday
from backstretch.core.safety import QUESTIONS, Screening
from backstretch.core.timeline import Step, StepKind
from backstretch.core.words import day_words
from backstretch.library import load_catalogue
from backstretch.store import Store, open_store
from backstretch.web.app import create_app

DAY = date(2026, 12, 9)  # a Wednesday
ISO = re.compile(r"\d{4}-\d{2}-\d{2}")
CATALOGUE = load_catalogue()
ROUTINES = Routines(CATALOGUE)
EASY, NEXT = "chair-hamstring-reach", "standing-hamstring-step"


def _store(tmp_path: Path, profile: Profile | None = None, screened: date = DAY - timedelta(days=20)) -> Store:
    store = open_store(f"sqlite:///{tmp_path / 'today.sqlite3'}")
    store.save_profile(profile or Profile(minutes=5))
    store.add_screening(Screening(screened, {q.id: False for q in QUESTIONS}))
    return store


def _session(store: Store, day: date, pain_before: int | None = None, pain_after: int | None = None,
             stretches: tuple[str, ...] = ("chair-chin-tuck",), feeling: str = "just-a-stretch",
             seconds: float = 120) -> int:  # fmt: skip
    """A finished session as the player stores it: a hold of each stretch done, and how each felt."""
    session = store.start_session(day, {"items": []}, pain_before=pain_before)
    for n, sid in enumerate(stretches):
        store.record_step(session, Step(n, StepKind.HOLD, 0, 20, "Hold", stretch=sid, rep=1), seconds / len(stretches),
                          "done")  # fmt: skip
        store.report_feeling(session, day, sid, feeling)
    store.finish_session(session, "completed", pain_after=pain_after)
    return session


def _ending(store: Store, session: int, today: date = DAY):  # type: ignore[no-untyped-def]
    ending = session_ending(store, ROUTINES, session, today)
    assert ending is not None
    assert not any(ISO.search(str(v)) for k, v in vars(ending).items() if k not in ("day", "next_day")), ending
    return ending


@pytest.mark.parametrize(("before", "after", "noticed", "words"), [
    (6, 4, True, "2 points lower, a change big enough to notice"),
    (7, 3, True, "4 points lower, a change big enough to notice"),
    (5, 4, False, "about the same"),
    (5, 5, False, "the same"),
    (3, 4, False, "about the same"),
    (3, 5, True, "2 points higher"),
])  # fmt: skip
def test_pain_before_and_after_is_called_a_change_only_from_2_points(tmp_path: Path, before: int, after: int,
                                                                     noticed: bool, words: str) -> None:  # fmt: skip
    """clinical-facts 6: 2 points is the smallest change most people notice (Ostelo 2008); less is not claimed."""
    store = _store(tmp_path)
    ending = _ending(store, _session(store, DAY, before, after))
    assert ending.pain_change == after - before and ending.pain_noticed is noticed
    assert words in ending.pain_words
    if not noticed:
        assert "lower" not in ending.pain_words and "higher" not in ending.pain_words
        assert f"less than {PAIN_CHANGE_NOTICED} points" in ending.pain_words
    if after > before and noticed:
        assert "gentler" in ending.pain_words, "a rise says what happens if it stays up"


def test_pain_not_rated_is_said_plainly_and_nothing_is_claimed() -> None:
    assert pain_words(None, None).startswith("You did not rate your pain this time")
    assert pain_words(4, None) == ("Your pain was 4 out of 10 before you started. Rate it at the end next time to see "
                                   "the change.")  # fmt: skip
    assert pain_words(None, 2) == "Your pain after the session was 2 out of 10."
    for words in (pain_words(None, None), pain_words(4, None), pain_words(None, 2)):
        assert "change big enough" not in words and "about the same" not in words


def test_the_first_day_is_welcomed_and_the_week_counts_from_it(tmp_path: Path) -> None:
    store = _store(tmp_path)
    ending = _ending(store, _session(store, DAY, 4, 4))
    assert ending.first_day and ending.streak == 1 and ending.streak_words == "your first day of stretching"
    # Wednesday is the first day: Monday and Tuesday are not counted against them.
    assert (ending.week_done, ending.week_meant) == (1, 5)
    assert ending.week_words == "You have stretched on 1 of the 5 days you planned this week."
    assert ending.headline == "Well done: 1 stretch in 2 minutes."


def test_a_run_of_days_and_a_broken_one(tmp_path: Path) -> None:
    store = _store(tmp_path)
    for back in (3, 2, 1):
        _session(store, DAY - timedelta(days=back))
    running = _ending(store, _session(store, DAY))
    assert running.streak == 4 and running.streak_words == "a run of 4 stretching days" and not running.first_day

    later = DAY + timedelta(days=3)  # Thursday and Friday missed, both planned
    broken = _ending(store, _session(store, later), later)
    assert broken.streak == 1 and broken.streak_words == "the first day of a new run" and not broken.first_day


def test_days_not_planned_neither_break_the_run_nor_count_against_the_week(tmp_path: Path) -> None:
    days = (Weekday.MON, Weekday.WED, Weekday.FRI)
    store = _store(tmp_path, Profile(minutes=5, stretch_days=days))
    monday, tuesday = DAY - timedelta(days=2), DAY - timedelta(days=1)
    _session(store, monday)
    _session(store, tuesday)  # not a planned day: it counts besides
    ending = _ending(store, _session(store, DAY))
    assert ending.streak == 3
    assert (ending.week_done, ending.week_extra, ending.week_meant) == (2, 1, 3)
    assert ending.week_words == ("You have stretched on 2 of the 3 days you planned this week, and on 1 more day "
                                 "besides.")  # fmt: skip
    friday = DAY + timedelta(days=2)
    done = _ending(store, _session(store, friday), friday)
    assert done.week_words.endswith("Your week is done.")
    assert done.next_day == DAY + timedelta(days=5) and done.next_words.startswith("Your next session: Monday 14 Dec")


def test_what_changes_tomorrow_a_stretch_that_hurt_and_a_next_step_earned(tmp_path: Path) -> None:
    store = _store(tmp_path)
    for back in range(PAIN_FREE_SESSIONS_TO_PROGRESS - 1, 0, -1):
        _session(store, DAY - timedelta(days=back), stretches=(EASY,))
    ending = _ending(store, _session(store, DAY, stretches=(EASY,)))
    assert ending.tomorrow == (f"You have now done {CATALOGUE[EASY].name} without pain 3 times in a row, so its next "
                               f"step, {CATALOGUE[NEXT].name}, can come into your routine.",)  # fmt: skip
    again = _ending(store, _session(store, DAY, stretches=(EASY,)))
    assert again.tomorrow == (), "earned once, said once"

    hurt = _ending(store, _session(store, DAY, stretches=("chair-chin-tuck",), feeling="painful"))
    until = day_words(DAY + timedelta(days=14))
    assert hurt.tomorrow == (f"{CATALOGUE['chair-chin-tuck'].name} hurt today, so it is left out of your routines "
                             f"until {until}.",)  # fmt: skip


def test_the_next_session_is_a_day_in_words_with_its_routine(tmp_path: Path) -> None:
    store = _store(tmp_path)
    ending = _ending(store, _session(store, DAY))
    assert ending.next_day == DAY + timedelta(days=1)
    assert re.fullmatch(r"Your next session: tomorrow, Thursday 10 December, \d stretch(es)? in about \d+ minutes\.",
                        ending.next_words), ending.next_words  # fmt: skip
    later = _ending(store, _session(store, DAY), today=DAY + timedelta(days=2))  # opened two days later
    assert later.next_words.startswith("Your next session: tomorrow, Saturday 12 December")


def test_someone_elses_session_or_none_has_no_ending(tmp_path: Path) -> None:
    store = _store(tmp_path)
    session = _session(store, DAY)
    other = store.for_person(store.person_id + 1000)
    assert session_ending(other, ROUTINES, session, DAY) is None
    assert session_ending(store, ROUTINES, session + 1, DAY) is None


def test_today_shows_what_was_done_only_after_a_session(tmp_path: Path) -> None:
    store = _store(tmp_path)
    before = today_view(store, ROUTINES, DAY)
    assert isinstance(before.routine, Routine) and before.done is None and before.minutes_from == "default"
    _session(store, DAY - timedelta(days=1))
    assert today_view(store, ROUTINES, DAY).done is None, "yesterday's session is not today's"
    session = _session(store, DAY, stretches=("chair-chin-tuck", EASY), seconds=300)
    after = today_view(store, ROUTINES, DAY)
    assert after.done is not None and isinstance(after.routine, Routine) and after.routine.plan.items
    assert (after.done.minutes, after.done.stretches, after.done.sessions) == (5, 2, 1)
    assert after.done.streak_words == "a run of 2 stretching days" and after.done.latest_session == session


def test_minutes_kept_for_today_or_as_the_default(tmp_path: Path) -> None:
    store = _store(tmp_path)
    kept = keep_minutes(store, DAY, 12, "today")
    assert kept.words == "12 minutes for today; your usual minutes stay as they were."
    view = today_view(store, ROUTINES, DAY)
    assert isinstance(view.routine, Routine) and view.routine.plan.minutes_budget == 12
    assert view.minutes_from == "today"
    tomorrow = today_view(store, ROUTINES, DAY + timedelta(days=1)).routine
    assert isinstance(tomorrow, Routine) and tomorrow.plan.minutes_budget == 5, "only for the one day"

    keep_minutes(store, DAY, 20, "default")
    profile = store.load_profile()
    assert profile is not None and profile.minutes == 20 and store.day_minutes(DAY) is None
    later = today_view(store, ROUTINES, DAY + timedelta(days=1)).routine
    assert isinstance(later, Routine) and later.plan.minutes_budget == 20
    for wrong in (2, 31):
        with pytest.raises(MinutesError, match="choose from 3 to 30"):
            keep_minutes(store, DAY, wrong, "today")
    assert store.day_minutes(DAY) is None and store.load_profile() == profile, "nothing half-written"


def test_bad_minutes_from_the_page_or_the_api_are_refused_and_nothing_is_kept(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'web.sqlite3'}"
    store = open_store(url)
    store.save_profile(Profile(minutes=5))
    store.add_screening(Screening(date.today(), {q.id: False for q in QUESTIONS}))
    client = TestClient(create_app(url))
    refused = client.post("/today/minutes", data={"minutes": "99", "keep": "today"}, follow_redirects=False)
    assert refused.status_code == 422 and "choose from 3 to 30, not 99" in refused.text
    assert client.post("/today/minutes", data={"minutes": "9", "keep": "always"}).status_code == 422
    assert client.put("/api/today/minutes", json={"minutes": 2}).status_code == 422
    assert client.put("/api/today/minutes", json={"minutes": 9, "keep": "forever"}).status_code == 422
    assert store.day_minutes(date.today()) is None and store.load_profile() == Profile(minutes=5)
    kept = client.put("/api/today/minutes", json={"minutes": 9}).json()
    assert kept == {
        "minutes": 9,
        "keep": "today",
        "words": "9 minutes for today; your usual minutes stay as they were.",
    }
    assert client.get("/api/plan").json()["minutes_budget"] == 9
    assert "9 minutes for today." in client.get("/today?kept=today").text
    assert "from now on." not in client.get("/today?kept=nonsense").text


def test_the_command_line_keeps_minutes_as_the_web_does(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    store = open_store(url)
    store.save_profile(Profile(minutes=5))
    store.add_screening(Screening(date.today(), {q.id: False for q in QUESTIONS}))
    runner = CliRunner()
    shown = runner.invoke(app, ["plan", "--minutes", "12", "--db", url])
    assert shown.exit_code == 0 and "Kept: 12 minutes for" in shown.output and not ISO.search(shown.output.split(
        "\n")[0])  # fmt: skip
    plain = runner.invoke(app, ["plan", "--json", "--db", url])
    assert json.loads(plain.output)["minutes_budget"] == 12 and store.load_profile() == Profile(minutes=5)
    assert runner.invoke(app, ["plan", "--minutes", "9", "--default", "--db", url]).exit_code == 0
    assert store.load_profile() == Profile(minutes=9) and store.day_minutes(date.today()) is None
    refused = runner.invoke(app, ["plan", "--default", "--db", url])
    assert refused.exit_code == 2 and "add --minutes N" in refused.output


def test_the_terminal_ending_says_the_same_as_the_page(tmp_path: Path) -> None:
    store = _store(tmp_path)
    _session(store, DAY - timedelta(days=1))
    ending = _ending(store, _session(store, DAY, 6, 3))
    console = Console(record=True, width=100)
    print_ending(console, ending)
    text = " ".join(console.export_text().replace("│", " ").split())
    for said in ("Session done", ending.headline, "Your run", "2 days", "A run of 2 stretching days.", "This week",
                 "2 of 6", "Your pain went from 6 to 3 out of 10: 3 points lower", "Ostelo",
                 "Your next routine stays much the same", ending.next_words):  # fmt: skip
        assert said in text, said
    assert not ISO.search(text)


def test_the_ending_command_shows_the_latest_session_or_says_there_is_none(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    runner = CliRunner()
    store = open_store(url)
    store.save_profile(Profile(minutes=5))
    none = runner.invoke(app, ["ending", "--db", url])
    assert none.exit_code == 2 and "no sessions yet" in none.output
    _session(store, date.today(), 5, 5)
    shown = runner.invoke(app, ["ending", "--db", url])
    assert shown.exit_code == 0 and "Your pain was 5 out of 10 before and 5 after: the same." in " ".join(
        shown.output.replace("│", " ").split())  # fmt: skip
    missing = runner.invoke(app, ["ending", "--session", "999", "--db", url])
    assert missing.exit_code == 2 and "there is no session 999" in missing.output


def test_a_flare_up_day_asks_the_safety_questions_again_then_gives_a_short_gentle_routine(tmp_path: Path) -> None:
    store = _store(tmp_path, Profile(minutes=20))
    usual = today_view(store, ROUTINES, DAY).routine
    assert isinstance(usual, Routine) and usual.plan.total_seconds > 10 * 60
    mark_flare_day(store, DAY, True)
    view = today_view(store, ROUTINES, DAY)
    assert view.flare and isinstance(view.routine, Refusal), "screened 20 days ago: not enough at a flare-up"
    assert "answer the safety" in view.routine.reasons[0]
    store.add_screening(Screening(DAY, {q.id: False for q in QUESTIONS}))
    flare = today_view(store, ROUTINES, DAY).routine
    assert isinstance(flare, Routine) and flare.plan.total_seconds <= 10 * 60
    assert any("Flare-up" in reason for reason in flare.plan.reasons)
    assert flare.plan.items and len({i.position for i in flare.plan.items}) <= len(
        {i.position for i in usual.plan.items}
    )
    tomorrow = today_view(store, ROUTINES, DAY + timedelta(days=1)).routine
    assert isinstance(tomorrow, Routine) and tomorrow.plan.total_seconds > 10 * 60, "only for the one day"
    mark_flare_day(store, DAY, False)
    back = today_view(store, ROUTINES, DAY)
    assert not back.flare and isinstance(back.routine, Routine) and back.routine.plan.total_seconds > 10 * 60


def test_the_flare_up_button_on_today_and_the_session_it_starts(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'web.sqlite3'}"
    store = open_store(url)
    store.save_profile(Profile(minutes=20))
    store.add_screening(Screening(date.today() - timedelta(days=3), {q.id: False for q in QUESTIONS}))
    client = TestClient(create_app(url))
    assert "My back is worse today" in client.get("/today").text
    asked = client.post("/today/flare", data={"flare": "yes"})
    assert asked.status_code == 200 and "please answer the safety questions again" in asked.text
    assert 'href="/onboarding/safety"' in asked.text and "Back to my usual routine" in asked.text
    assert client.post("/api/sessions", json={}).status_code == 409, "no session before the questions"
    store.add_screening(Screening(date.today(), {q.id: False for q in QUESTIONS}))
    page = client.get("/today").text
    assert "flare-up day's routine" in page and "Flare-up day: 10 minutes at most" in page
    assert "Back to my usual routine" in page
    planned = client.get("/api/plan").json()
    assert planned["total_seconds"] <= 10 * 60
    started = client.post("/api/sessions", json={})
    assert started.status_code == 201
    assert [i["stretch"] for i in started.json()["items"]] == [i["stretch"] for i in planned["items"]]
    assert client.post("/today/flare", data={"flare": "maybe"}).status_code == 422
    assert client.post("/today/flare", data={"flare": "no"}).status_code == 200
    assert client.get("/api/plan").json()["total_seconds"] > 10 * 60 and not store.flare_day(date.today())


def test_the_command_line_keeps_a_flare_up_day_as_the_web_does(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    store = open_store(url)
    store.save_profile(Profile(minutes=20))
    store.add_screening(Screening(date.today(), {q.id: False for q in QUESTIONS}))
    runner = CliRunner()
    asked = runner.invoke(app, ["plan", "--flare", "--db", url])
    assert asked.exit_code == 3 and "Kept: a flare-up day for" in asked.output and store.flare_day(date.today())
    assert "please answer the safety questions again first" in asked.output
    answered = runner.invoke(app, ["screen", "--db", url], input="n\n" * len(QUESTIONS))
    assert answered.exit_code == 0, answered.output
    shown = runner.invoke(app, ["plan", "--db", url])
    assert shown.exit_code == 0 and "Flare-up day: 10 minutes at most" in shown.output
    kept = json.loads(runner.invoke(app, ["plan", "--json", "--db", url]).output)
    assert kept["total_seconds"] <= 10 * 60, "the day stays a flare-up day, for `start` too"
    assert runner.invoke(app, ["plan", "--no-flare", "--db", url]).exit_code == 0
    assert json.loads(runner.invoke(app, ["plan", "--json", "--db", url]).output)["total_seconds"] > 10 * 60


def test_answers_from_before_the_flare_up_do_not_count_for_it(tmp_path: Path) -> None:
    # Answered this morning, worse this afternoon: the questions come again, and then the gentle routine.
    store = _store(tmp_path, Profile(minutes=20), screened=DAY)
    mark_flare_day(store, DAY, True)
    asked = today_view(store, ROUTINES, DAY).routine
    assert isinstance(asked, Refusal) and "answer the safety" in asked.reasons[0]
    store.add_screening(Screening(DAY, {q.id: False for q in QUESTIONS}))
    flare = today_view(store, ROUTINES, DAY).routine
    assert isinstance(flare, Routine) and flare.plan.total_seconds <= 10 * 60


def test_a_routine_kept_from_before_the_flare_up_cannot_be_started(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'web.sqlite3'}"
    store = open_store(url)
    store.save_profile(Profile(minutes=20))
    store.add_screening(Screening(date.today(), {q.id: False for q in QUESTIONS}))
    client = TestClient(create_app(url))
    usual = client.get("/api/plan").json()  # a page opened before the back got worse keeps this routine
    store.mark_flare_day(date.today(), True)
    store.add_screening(Screening(date.today(), {q.id: False for q in QUESTIONS}))
    refused = client.post("/api/sessions", json={"plan": usual["items"]})
    assert refused.status_code == 409, refused.text
    assert "a flare-up day's routine takes 10 minutes at most" in refused.text
    gentle = client.get("/api/plan").json()["items"]
    assert client.post("/api/sessions", json={"plan": gentle}).status_code == 201
    assert len(store.history()) == 1, "the refused start opened nothing"
