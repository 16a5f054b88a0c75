"""Progress as a person sees it: eight weeks of sessions and measures, logged and summed up through the real CLI."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest

from backstretch.core import measures as m
from backstretch.core.profile import Profile
from backstretch.store import open_store
from tests.helpers import backstretch, record_session
from tests.test_cli_plan import profile_file

FIRST_MONDAY = date(2026, 9, 28)
LAST_SUNDAY = date(2026, 11, 22)  # eight whole weeks, Monday 28 September to Sunday 22 November
MISSED = {date(2026, 10, 14), date(2026, 11, 5), date(2026, 11, 6)}  # a Wednesday, then a Thursday and Friday


@pytest.fixture
def eight_weeks(tmp_path: Path) -> str:
    """Stretching on every planned day (all but Saturdays) except three; weekdays 6 minutes, Sundays 10."""
    url = f"sqlite:///{tmp_path / 'eight-weeks.sqlite3'}"
    store = open_store(url)
    store.save_profile(Profile(stretch_days=("mon", "tue", "wed", "thu", "fri", "sun")))  # type: ignore[arg-type]
    day = FIRST_MONDAY
    while day <= LAST_SUNDAY:
        if day.weekday() != 5 and day not in MISSED:
            record_session(store, day, 10 if day.weekday() == 6 else 6)
        day += timedelta(days=1)
    # A session that was opened and abandoned before any hold: not a stretching day.
    store.finish_session(store.start_session(date(2026, 10, 17), {"items": []}, None), "partial")
    for week, value in enumerate([6, 6, 5, 5, 4, 4, 3, 3]):  # pain every Monday morning
        store.add_measure(m.pain(value, FIRST_MONDAY + timedelta(weeks=week), morning=True))
    for day, cm in ((date(2026, 9, 28), 25), (date(2026, 10, 12), 22), (date(2026, 10, 26), 21),
                    (date(2026, 11, 9), 20), (date(2026, 11, 22), 19)):  # fmt: skip
        store.add_measure(m.reach(cm, day))
    for day, scores in ((date(2026, 10, 1), (3, 5)), (date(2026, 11, 19), (6, 7))):  # only two: too few for a trend
        store.add_measure(m.function([("putting on socks", scores[0]), ("sitting an hour", scores[1])], day))
    return url


def test_eight_weeks_of_streaks_weekly_figures_and_trends(eight_weeks: str) -> None:
    result = backstretch("progress", "--json", "--date", LAST_SUNDAY.isoformat(), "--db", eight_weeks)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    c = data["consistency"]
    # Runs, by hand: 28 Sep-13 Oct is 14 stretching days (Saturdays are rest days and do not break it);
    # 15 Oct-4 Nov is 18; 8-22 Nov is 13 and still going.
    assert (c["current_streak"], c["longest_streak"]) == (13, 18)
    assert c["days_stretched"] == 8 * 6 - 3 == 45
    assert (c["planned_days_done"], c["planned_days"]) == (45, 48)
    assert c["planned_share"] == 0.9375
    assert [w["days_stretched"] for w in c["weeks"]] == [6, 6, 5, 6, 6, 4, 6, 6]
    assert [w["minutes"] for w in c["weeks"]] == [40, 40, 34, 40, 40, 28, 40, 40]
    assert [w["planned_days"] for w in c["weeks"]] == [6] * 8
    assert c["weeks"][0]["starts"] == "2026-09-28"
    assert c["message"] == ("You have stretched on 45 days in all. You are on a run of 13 stretching days; well done "
                            "today. Your longest run so far is 18 days.")  # fmt: skip
    pain, reach, function = (data["measures"][k] for k in ("pain", "reach", "function"))
    # Pain: first week's median 6, last week's 3; pairwise slopes of 6,6,5,5,4,4,3,3 over weeks 0-7 have median -0.5.
    assert (pain["baseline"], pain["current"], pain["change"]) == (6, 3, -3)
    assert pain["slope_per_week"] == -0.5 and pain["important"] and pain["better"]
    assert pain["statement"].startswith("Pain is down 3 points since you started (6 → 3): a change most people "
                                        "notice. Over 7 weeks the trend is down about 0.5 points a week")  # fmt: skip
    assert (reach["baseline"], reach["current"], reach["change"]) == (25, 19, -6)
    assert reach["statement"].startswith("Reach is down 6 cm since you started (25 → 19 cm): more than measuring "
                                         "error.")  # fmt: skip
    assert not function["enough"]
    assert function["statement"] == ("Function: not enough data for a trend yet (readings on 2 days, spread over 49 "
                                     "days). A trend needs at least 4 readings on different days spread over 2 "
                                     "weeks.")  # fmt: skip


def test_a_missed_day_ends_the_run_but_keeps_the_history(eight_weeks: str) -> None:
    # As it stood on Friday 6 November, after missing Thursday and Friday.
    result = backstretch("progress", "--json", "--date", "2026-11-06", "--db", eight_weeks)
    c = json.loads(result.stdout)["consistency"]
    assert c["current_streak"] == 0 and c["longest_streak"] == 18 and c["days_stretched"] == 32
    assert "Today is a good day to start a new run." in c["message"]


def test_progress_prints_a_summary_table_and_a_terminal_chart(eight_weeks: str) -> None:
    result = backstretch("progress", "--date", LAST_SUNDAY.isoformat(), "--db", eight_weeks)
    assert result.returncode == 0, result.stderr
    for words in ("run of 13 stretching days", "Week by week", "45 of 48 planned days", "Pain is down 3 points",
                  "not a diagnosis"):  # fmt: skip
        assert words in " ".join(result.stdout.split()), words
    assert "\x1b" not in result.stdout


def test_charts_are_written_as_png_and_svg(eight_weeks: str, tmp_path: Path) -> None:
    result = backstretch("progress", "--date", LAST_SUNDAY.isoformat(), "--db", eight_weeks,
                         "--png", tmp_path / "png", "--svg", tmp_path / "svg")  # fmt: skip
    assert result.returncode == 0, result.stderr
    for name in ("progress", "calendar"):
        assert (tmp_path / "png" / f"{name}.png").read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
        assert "<svg" in (tmp_path / "svg" / f"{name}.svg").read_text()


def test_log_commands_store_good_values_and_refuse_bad_ones_without_storing(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'log.sqlite3'}"
    refused = {
        ("pain", "11"): "0 to 10",
        ("pain", "four"): "not 'four'",
        ("pain", "3", "--date", "yesterday"): "2026-11-24",
        ("pain", "3", "--date", "2999-01-01"): "in the future",
        ("pain", "3", "--date", "0001-01-01"): "is before 1970",
        ("reach", "95"): "-40 to 80 cm",
        ("reach", "12", "--unit", "mm"): "mm",
        ("function", "socks"): "ACTIVITY=SCORE",
        ("function", "a=1", "b=1", "c=1", "d=1"): "1 to 3 activities",
    }
    for args, message in refused.items():
        result = backstretch("log", *args, "--db", db)
        assert result.returncode == 2, args
        assert message in " ".join(result.stderr.split()) and "Traceback" not in result.stderr, (args, result.stderr)
    assert open_store(db).measures() == []
    for args in (("pain", "4", "--morning", "--note", "stiff, after driving"), ("reach", "-2", "--unit", "in"),
                 ("function", "putting on socks=4", "sitting an hour=7")):  # fmt: skip
        assert backstretch("log", *args, "--db", db).returncode == 0, args
    stored = open_store(db).measures()
    assert [(x.kind.value, x.value) for x in stored] == [("pain", 4), ("reach", -5.1), ("function", 5.5)]
    assert stored[0].morning and stored[0].note == "stiff, after driving"


def test_a_bad_morning_makes_the_next_routine_gentler(tmp_path: Path) -> None:
    today = date.today()
    assert backstretch("profile", "--from", profile_file(tmp_path)).returncode == 0
    for back, value in ((4, 3), (3, 2), (2, 3)):
        assert backstretch("log", "pain", str(value), "--morning", "--date",
                           (today - timedelta(days=back)).isoformat()).returncode == 0  # fmt: skip
    calm = json.loads(backstretch("plan", "--json").stdout)
    assert not any("gentler" in r for r in calm["reasons"])
    assert backstretch("log", "pain", "6", "--morning").returncode == 0
    plan = json.loads(backstretch("plan", "--json").stdout)
    assert any("was 6/10, 3 above your usual 3" in r and "gentler" in r for r in plan["reasons"]), plan["reasons"]


def test_a_database_that_cannot_be_opened_is_a_clear_error(tmp_path: Path) -> None:
    not_a_database = tmp_path / "notes.txt"
    not_a_database.write_text("these are my notes, not a database\n" * 100)
    for url, words in ((f"sqlite:///{tmp_path / 'no-such-folder' / 'x.sqlite3'}", "cannot open the database"),
                       (f"sqlite:///{not_a_database}", "cannot open the database"),
                       ("nope://[/x]", "is not a database URL"),
                       ("not-a-url", "is not a database URL")):  # fmt: skip
        result = backstretch("progress", "--db", url)
        assert result.returncode == 2 and words in result.stderr and "Traceback" not in result.stderr
