"""Profile, screening and planning through the real command line, as a person or a script would use them."""

from __future__ import annotations

import itertools
import json
import sqlite3
from datetime import date
from pathlib import Path

import pytest

from backstretch.core.safety import QUESTIONS, Urgency
from tests.helpers import backstretch

TODAY = date.today().isoformat()
WEEK_START = "2026-11-24"  # a Tuesday; the screening is taken that day, so the week's plans do not depend on today
ALL_NO = "\n".join(f"{q.id} = false" for q in QUESTIONS)


def profile_file(tmp_path: Path, body: str = "", screening: str | None = ALL_NO, taken_on: str = TODAY) -> Path:
    path = tmp_path / "me.toml"
    text = 'minutes = 8\npain_areas = ["lower-back", "neck"]\nequipment = ["chair", "wall"]\n' + body
    if screening is not None:
        text += f"\n[screening]\ntaken_on = {taken_on}\n{screening}\n"
    path.write_text(text)
    return path


def test_plan_from_profile_file_gives_the_promised_json(tmp_path: Path) -> None:
    result = backstretch("plan", "--profile", profile_file(tmp_path), "--json")
    assert result.returncode == 0, result.stderr
    plan = json.loads(result.stdout)
    assert set(plan) >= {"date", "minutes_budget", "total_seconds", "items", "covered_regions", "warnings"}
    assert plan["minutes_budget"] == 8 and plan["total_seconds"] <= 480
    assert plan["items"]
    for item in plan["items"]:
        assert set(item) >= {"stretch", "name", "hold_seconds", "reps", "sides", "position", "regions",
                             "spinal_movement", "seconds"}  # fmt: skip
    assert "hamstrings" in plan["covered_regions"]


def test_week_plans_only_the_days_the_person_means_to_stretch(tmp_path: Path) -> None:
    body = 'stretch_days = ["mon", "wed", "fri"]\n'
    result = backstretch("plan", "--profile", profile_file(tmp_path, body, taken_on=WEEK_START), "--week", "--json",
                         "--date", WEEK_START)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert [p["date"] for p in json.loads(result.stdout)] == ["2026-11-25", "2026-11-27", "2026-11-30"]


def test_week_gives_seven_different_days(tmp_path: Path) -> None:
    profile = profile_file(tmp_path, taken_on=WEEK_START)
    result = backstretch("plan", "--profile", profile, "--week", "--json", "--date", WEEK_START)
    assert result.returncode == 0, result.stderr
    week = json.loads(result.stdout)
    assert next(d["date"] for d in week) == WEEK_START and len(week) == 7
    lists = [tuple(i["stretch"] for i in d["items"]) for d in week]
    assert all(a != b for a, b in itertools.pairwise(lists))


@pytest.mark.parametrize("question", [q for q in QUESTIONS])
def test_any_red_flag_refuses_a_plan_with_exit_3(tmp_path: Path, question: object) -> None:
    answers = ALL_NO.replace(f"{question.id} = false", f"{question.id} = true")  # type: ignore[attr-defined]
    result = backstretch("plan", "--profile", profile_file(tmp_path, screening=answers), "--json")
    assert result.returncode == 3
    refusal = json.loads(result.stdout)
    assert refusal["refused"] is True
    assert any(question.text in r for r in refusal["reasons"])  # type: ignore[attr-defined]
    assert "items" not in refusal
    if question.urgency is Urgency.EMERGENCY:  # type: ignore[attr-defined]
        assert any("today" in r for r in refusal["reasons"])


def test_no_screening_no_plan(tmp_path: Path) -> None:
    result = backstretch("plan", "--profile", profile_file(tmp_path, screening=None), "--json")
    assert result.returncode == 3
    assert "safety questions" in json.loads(result.stdout)["reasons"][0]


def test_clinician_clearance_lets_a_flagged_person_plan(tmp_path: Path) -> None:
    answers = ALL_NO.replace("cancer = false", "cancer = true") + f"\ncleared_on = {TODAY}"
    result = backstretch("plan", "--profile", profile_file(tmp_path, screening=answers), "--json")
    assert result.returncode == 0, result.stdout + result.stderr


def test_bad_profile_value_names_field_and_saves_nothing(tmp_path: Path, backstretch_home: Path) -> None:
    bad = profile_file(tmp_path, body='conditions = ["bad-knees"]\n')
    result = backstretch("profile", "--from", bad)
    assert result.returncode == 2
    assert "conditions" in result.stderr and "bad-knees" in result.stderr
    assert backstretch("profile", "--show").returncode == 2, "nothing was saved"
    too_long = tmp_path / "long.toml"
    too_long.write_text("minutes = 90\n")
    result = backstretch("profile", "--from", too_long)
    assert result.returncode == 2 and "minutes" in result.stderr and "30" in result.stderr


def test_stored_profile_and_screening_drive_the_plan(tmp_path: Path, backstretch_home: Path) -> None:
    assert backstretch("profile", "--from", profile_file(tmp_path)).returncode == 0
    shown = json.loads(backstretch("profile", "--json").stdout)
    assert shown["pain_areas"] == ["lower-back", "neck"]
    result = backstretch("plan", "--json", "--minutes", "12")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["minutes_budget"] == 12
    with sqlite3.connect(backstretch_home / "backstretch.sqlite3") as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert db.execute("SELECT count(*) FROM screening").fetchone()[0] == 1


def test_interactive_profile_and_screening(backstretch_home: Path) -> None:
    # minutes, pain, sits, equipment, floor, kneel, conditions, age, new, yoga, days, then 11 screening answers.
    answers = ["10", "neck", "y", "chair", "y", "n", "-", "50-64", "y", "n", "mon,wed,fri"] + ["n"] * len(QUESTIONS)
    result = backstretch("profile", stdin="\n".join(answers) + "\n")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Nothing here stops you stretching" in result.stdout
    profile = json.loads(backstretch("profile", "--json").stdout)
    assert profile["minutes"] == 10 and profile["can_kneel"] is False and profile["age_band"] == "50-64"
    assert profile["stretch_days"] == ["mon", "wed", "fri"]
    plan = json.loads(backstretch("plan", "--json").stdout)
    assert all(item["position"] != "kneeling" for item in plan["items"])


def test_interactive_emergency_answer_shows_urgent_advice(backstretch_home: Path) -> None:
    assert backstretch("profile", "--from", Path("/dev/null")).returncode == 0
    answers = ["y"] + ["n"] * (len(QUESTIONS) - 1)
    result = backstretch("screen", stdin="\n".join(answers) + "\n")
    assert "urgent" in result.stderr
    assert backstretch("plan").returncode == 3


def test_the_urgent_advice_comes_right_after_the_answer_that_needs_it(backstretch_home: Path) -> None:
    assert backstretch("profile", "--from", Path("/dev/null")).returncode == 0
    at = next(n for n, q in enumerate(QUESTIONS, start=1) if q.urgency is Urgency.EMERGENCY)
    # Yes to the first urgent question, and then the person stops: the advice was already given.
    stopped = backstretch("screen", stdin="n\n" * (at - 1) + "y\n")
    assert "Please get urgent medical help now." in stopped.stderr and "emergency department" in stopped.stderr
    assert "Traceback" not in stopped.stderr
    assert backstretch("plan").returncode == 3, "nothing was saved: the safety questions are still to answer"
    finished = backstretch("screen", stdin="n\n" * (at - 1) + "y\n" + "n\n" * (len(QUESTIONS) - at))
    assert finished.stderr.count("Please get urgent medical help now.") == 1, "told once, then the verdict"
    assert "Please get urgent medical help." in finished.stderr


def test_flare_needs_a_fresh_screening_and_gives_the_gentlest(tmp_path: Path) -> None:
    result = backstretch("plan", "--profile", profile_file(tmp_path), "--flare", "--json")
    assert result.returncode == 0, result.stderr
    plan = json.loads(result.stdout)
    assert any("Flare-up" in r for r in plan["reasons"])


def test_bad_date_is_a_clear_error(tmp_path: Path) -> None:
    result = backstretch("plan", "--profile", profile_file(tmp_path), "--date", "tomorrow")
    assert result.returncode == 2 and "2026-11-24" in result.stderr


def test_the_user_guides_profile_example_plans(tmp_path: Path) -> None:
    readme = (Path(__file__).resolve().parent.parent / "docs" / "user-guide.md").read_text()
    example = readme.split("```toml\nminutes = 8", 1)[1].split("```", 1)[0]
    file = tmp_path / "me.toml"
    file.write_text("minutes = 8" + example)
    result = backstretch("plan", "--profile", file, "--date", "2026-11-24", "--json")
    assert result.returncode == 0, result.stderr
    plan = json.loads(result.stdout)
    stretches = json.loads(backstretch("stretches", "--json").stdout)
    avoid = {s["id"]: set(s["avoid_if"]) for s in stretches}
    assert all(not avoid[i["stretch"]] & {"osteoporosis", "cannot-kneel"} for i in plan["items"])


@pytest.mark.parametrize("taken", ["", "taken_on = 2026-11-24T10:00:00\n"])
def test_screening_in_a_file_needs_a_plain_date(tmp_path: Path, taken: str) -> None:
    file = tmp_path / "me.toml"
    file.write_text(f"minutes = 8\n[screening]\n{taken}{ALL_NO}\n")
    result = backstretch("plan", "--profile", file, "--json")
    assert result.returncode == 2
    assert "taken_on" in result.stderr and "Traceback" not in result.stderr


def test_no_clearance_for_an_emergency_answer(tmp_path: Path, backstretch_home: Path) -> None:
    answers = ALL_NO.replace("bladder-bowel = false", "bladder-bowel = true")
    assert backstretch("profile", "--from", profile_file(tmp_path, screening=answers)).returncode == 0
    result = backstretch("screen", "--cleared")
    assert result.returncode == 2 and "urgent" in result.stderr
    assert backstretch("plan").returncode == 3


def test_interactive_pregnancy_asks_the_trimester(backstretch_home: Path) -> None:
    # minutes, pain, sits, equipment, floor, kneel, conditions, trimester, age, new, yoga, days, then screening.
    answers = ["10", "hips", "y", "chair,wall,mat", "y", "y", "pregnancy", "3", "under-35", "y", "n", "mon"]
    result = backstretch("profile", stdin="\n".join(answers + ["n"] * len(QUESTIONS)) + "\n")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "How far along is the pregnancy?" in result.stdout
    profile = json.loads(backstretch("profile", "--json").stdout)
    assert profile["conditions"] == ["pregnancy"] and profile["pregnancy_trimester"] == "3"
    plan = json.loads(backstretch("plan", "--json").stdout)
    assert plan["items"] and all(i["position"] not in ("floor-supine", "floor-prone") for i in plan["items"])


def test_profile_file_trimester_is_checked_and_decides_lying_stretches(tmp_path: Path) -> None:
    bad = profile_file(tmp_path, body='conditions = ["pregnancy"]\npregnancy_trimester = 5\n')
    result = backstretch("plan", "--profile", bad, "--json")
    assert result.returncode == 2
    assert "pregnancy_trimester" in result.stderr and "'1', '2', '3' or 'not-known'" in result.stderr
    alone = profile_file(tmp_path, body="pregnancy_trimester = 1\n")
    result = backstretch("plan", "--profile", alone, "--json")
    assert result.returncode == 2 and "only asked when pregnancy is among the conditions" in result.stderr
    lying: dict[str, set[str]] = {}
    for trimester in ("1", "2"):
        path = tmp_path / f"t{trimester}.toml"
        path.write_text(f'minutes = 15\npain_areas = ["hips", "leg"]\nequipment = ["mat", "strap", "chair"]\n'
                        f'conditions = ["pregnancy"]\npregnancy_trimester = {trimester}\n'
                        f"[screening]\ntaken_on = {WEEK_START}\n{ALL_NO}\n")  # fmt: skip
        week = backstretch("plan", "--profile", path, "--week", "--date", WEEK_START, "--json")
        assert week.returncode == 0, week.stderr
        items = [i for day in json.loads(week.stdout) for i in day["items"]]
        lying[trimester] = {i["stretch"] for i in items if i["position"] in ("floor-supine", "floor-prone")}
    assert lying["1"], "the first trimester still allows lying on the back"
    assert not lying["2"]
