"""`backstretch profile`, `screen` and `plan`: who the person is, whether it is safe, and today's routine."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from pydantic import ValidationError
from rich.prompt import Confirm, IntPrompt, Prompt
from rich.table import Table

from backstretch.app.routine import Refusal, Routines, plan_json
from backstretch.app.screening import clearance_refused, save_screening
from backstretch.app.today import keep_minutes, mark_flare_day
from backstretch.cli.stretches import err, fail, out
from backstretch.core.catalogue import TomlError, read_toml
from backstretch.core.errors import field_messages
from backstretch.core.planner import Plan
from backstretch.core.profile import (
    MINUTES_DEFAULT,
    MINUTES_MAX,
    MINUTES_MIN,
    TRIMESTER_LABELS,
    AgeBand,
    PainArea,
    Profile,
    Trimester,
    Weekday,
)
from backstretch.core.safety import (
    DISCLAIMER,
    EMERGENCY_ADVICE,
    QUESTIONS,
    SPINE_SURGERY,
    URGENT_NOW,
    Screening,
    ScreeningError,
    Verdict,
    assess,
    carry_clearance,
    urgent_so_far,
    validate_answers,
)
from backstretch.core.vocab import CONDITION_LABELS, DERIVED_CONDITIONS, Condition, Equipment
from backstretch.core.words import day_words
from backstretch.library import load_catalogue
from backstretch.store import open_store

DbOption = Annotated[str | None, typer.Option("--db", help="Database URL (default: SQLite in your data folder).")]
REFUSED_EXIT = 3


def _errors(error: ValidationError) -> str:
    return "; ".join(f"field '{field}': {message}" for field, message in field_messages(error))


def read_profile_file(path: Path) -> tuple[Profile, Screening | None]:
    """A profile TOML, with an optional [screening] table of yes/no answers (and taken_on, cleared_on dates)."""
    try:
        data = read_toml(path.read_text("utf-8"))
    except OSError as error:
        raise fail(f"cannot read {str(path)!r}: {error.strerror}") from None
    except (TomlError, UnicodeDecodeError) as error:
        raise fail(f"{path}: {error}") from None
    raw_screening = data.pop("screening", None)
    try:
        profile = Profile.model_validate(data)
    except ValidationError as error:
        raise fail(f"{path}: {_errors(error)}") from None
    if raw_screening is None:
        return profile, None
    if not isinstance(raw_screening, dict):
        raise fail(f"{path}: [screening] must be a table of question = true/false")
    # The date is required: answers without one must not pass for a screening done today.
    taken_on = raw_screening.pop("taken_on", None)
    cleared_on = raw_screening.pop("cleared_on", None)
    dates = [d for d in (taken_on, cleared_on) if d is not None]
    if taken_on is None or any(isinstance(d, datetime) or not isinstance(d, date) for d in dates):
        raise fail(f"{path}: [screening] needs taken_on (and may have cleared_on) as dates like 2026-11-24")
    if cleared_on is not None and cleared_on < taken_on:
        raise fail(f"{path}: [screening] cleared_on ({cleared_on}) is before taken_on ({taken_on}): a clearance "
                   "counts for the answers a clinician saw, so it cannot come before them")  # fmt: skip
    if not all(isinstance(v, bool) for v in raw_screening.values()):
        raise fail(f"{path}: [screening] answers must be true or false")
    try:
        validate_answers(raw_screening)
    except ScreeningError as error:
        raise fail(f"{path}: [screening]: {error}") from None
    # The file's own clearance covers the file's own flags, the spine surgery its profile names included.
    screening = Screening(taken_on=taken_on, answers=raw_screening, cleared_on=cleared_on)
    return profile, carry_clearance(None, screening, profile.conditions)


def _choose_many(question: str, options: list[str], default: tuple[str, ...]) -> list[str]:
    out.print(f"{question} [dim](comma-separated; choices: {', '.join(options)}; '-' for none)[/]")
    while True:
        answer = Prompt.ask("  ", default=",".join(default) or "-").strip()
        chosen = [] if answer in ("-", "") else [a.strip() for a in answer.split(",") if a.strip()]
        wrong = [c for c in chosen if c not in options]
        if not wrong:
            return chosen
        out.print(f"[yellow]  Not a choice: {', '.join(wrong)}[/]")


def ask_profile(current: Profile) -> Profile:
    out.print("[bold]A few questions so the routine fits you.[/] Press Enter to keep the value in brackets.")
    minutes = IntPrompt.ask(f"Minutes a day ({MINUTES_MIN}-{MINUTES_MAX})", default=current.minutes)
    while not MINUTES_MIN <= minutes <= MINUTES_MAX:
        minutes = IntPrompt.ask(f"[yellow]Between {MINUTES_MIN} and {MINUTES_MAX}[/]", default=MINUTES_DEFAULT)
    pain = _choose_many("Where does it hurt?", [a.value for a in PainArea], tuple(a.value for a in current.pain_areas))
    sits = Confirm.ask("Do you sit for most of the day?", default=current.sits_most_of_day)
    equipment = _choose_many("What do you have?", [e.value for e in Equipment if e is not Equipment.NONE],
                             tuple(e.value for e in current.equipment))  # fmt: skip
    floor = Confirm.ask("Can you get down to the floor and back up comfortably?", default=current.can_get_to_floor)
    kneel = Confirm.ask("Can you kneel comfortably?", default=current.can_kneel)
    for condition in Condition:
        if condition not in DERIVED_CONDITIONS:
            out.print(f"  [bold]{condition.value}[/]: {CONDITION_LABELS[condition]}")
    conditions = _choose_many(
        "Do any of these apply to you? Type the words in bold.",
        [c.value for c in Condition if c not in DERIVED_CONDITIONS],
        tuple(c.value for c in current.conditions if c not in DERIVED_CONDITIONS),
    )
    trimester = ask_trimester(current) if Condition.PREGNANCY.value in conditions else None
    age = Prompt.ask("Your age", choices=[a.value for a in AgeBand], default=current.age_band.value)
    new = Confirm.ask("Are you new to stretching?", default=current.experience.value == "new")
    yoga = Confirm.ask("Do you enjoy yoga?", default=current.likes_yoga)
    days: list[str] = []
    while not days:
        days = _choose_many("Which days do you mean to stretch?", [d.value for d in Weekday],
                            tuple(d.value for d in current.stretch_days))  # fmt: skip
    return Profile.model_validate(
        {
            "minutes": minutes,
            "pain_areas": pain,
            "sits_most_of_day": sits,
            "equipment": equipment,
            "can_get_to_floor": floor,
            "can_kneel": kneel,
            "conditions": conditions,
            "pregnancy_trimester": trimester,
            "age_band": age,
            "experience": "new" if new else "some",
            "likes_yoga": yoga,
            "stretch_days": days,
        }
    )


def ask_trimester(current: Profile) -> str:
    """Rule pregnancy: the stage decides whether stretches lying on the back or front can be planned."""
    out.print("How far along is the pregnancy? From the fourth month on, and when you are not sure, stretches "
              "lying on your back or front are left out.")  # fmt: skip
    for trimester in Trimester:
        out.print(f"  [bold]{trimester.value}[/]: {TRIMESTER_LABELS[trimester]}")
    default = (current.pregnancy_trimester or Trimester.NOT_KNOWN).value
    return Prompt.ask("Trimester", choices=[t.value for t in Trimester], default=default)


def ask_screening(today: date) -> Screening:
    out.print(
        "[bold]Safety questions.[/] These look for the rare signs that need a doctor rather than stretching. "
        "Answer about how you are now."
    )
    answers: dict[str, bool] = {}
    topic = ""
    for question in QUESTIONS:
        if question.topic != topic:
            topic = question.topic
            out.print(f"\n[bold]{topic}[/]")
        if question.hint:
            out.print(f"[dim]{question.hint}[/]")
        answers[question.id] = Confirm.ask(question.text, default=False)
        if question in urgent_so_far(answers):
            show_urgent()
    return Screening(taken_on=today, answers=answers)


def show_urgent() -> None:
    """The urgent advice at once, under the answer that needs it; the questions go on after it."""
    err.print(f"\n[bold red]Please get urgent medical help now.[/] {EMERGENCY_ADVICE}")
    err.print(f"  {URGENT_NOW}")
    err.print("  The other questions follow. You may also stop here (Ctrl+C) and answer them all another time; "
              "nothing is kept until every question is answered.\n")  # fmt: skip


def profile_command(
    from_file: Annotated[Path | None, typer.Option("--from", help="Read the profile from a TOML file.")] = None,
    show: Annotated[bool, typer.Option("--show", help="Show the stored profile.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Show the stored profile as JSON.")] = False,
    db: DbOption = None,
) -> None:
    """Set up or change your profile: time, where it hurts, equipment, conditions."""
    store = open_store(db)
    if show or as_json:
        profile = store.load_profile()
        if profile is None:
            raise fail("no profile yet: run `backstretch profile` to set one up")
        if as_json:
            typer.echo(json.dumps(profile.model_dump(mode="json"), indent=2))
        else:
            table = Table(show_header=False)
            for key, value in profile.model_dump(mode="json").items():
                shown = ", ".join(value) if isinstance(value, list) else "not asked" if value is None else str(value)
                table.add_row(key, shown)
            out.print(table)
        return
    if from_file is not None:
        profile, screening = read_profile_file(from_file)
        store.save_profile(profile)
        if screening is not None:
            save_screening(store, screening, profile.conditions)
        out.print(f"Saved your profile from {from_file}.")
        return
    profile = ask_profile(store.load_profile() or Profile())
    store.save_profile(profile)
    out.print("Saved your profile.")
    if store.latest_screening() is None:
        screen_command(db=db)


def refuse(refusal: Refusal, get_a_profile: str = "run `backstretch profile` first",
           as_json: bool = False) -> typer.Exit:  # fmt: skip
    """Say why there is no routine today (as JSON with `as_json`), and the exit to raise: 2 with no profile yet,
    REFUSED_EXIT when the safety questions say no."""
    if refusal.needs == "profile":
        return fail(f"no profile yet: {get_a_profile}")
    if as_json:
        typer.echo(json.dumps({"refused": True, "reasons": list(refusal.reasons)}, indent=2))
    elif refusal.verdict is not None:
        show_verdict(refusal.verdict)
    return typer.Exit(REFUSED_EXIT)


def show_verdict(verdict: Verdict) -> None:
    if verdict.emergency:
        err.print("[bold red]Please get urgent medical help.[/]")
    for reason in verdict.reasons:
        err.print(f"  {reason}")


def screen_command(
    cleared: Annotated[
        bool, typer.Option("--cleared", help="Confirm a clinician has cleared you for stretching since your flag.")
    ] = False,
    db: DbOption = None,
) -> None:
    """Answer the safety questions (before your first plan, every 4 weeks, and when things get worse)."""
    store = open_store(db)
    today = date.today()
    profile = store.load_profile()
    conditions = profile.conditions if profile is not None else ()
    surgery = Condition.RECENT_SPINE_SURGERY in conditions
    if cleared:
        refused = clearance_refused(store.latest_screening())
        if refused == "out-of-date":
            raise fail("the safety questions have changed since your last answers; answer them again with "
                       "`backstretch screen` first")  # fmt: skip
        if refused == "emergency":
            raise fail("your last answers need urgent care, not a clearance; answer `backstretch screen` again "
                       "once you have been seen")  # fmt: skip
        if not store.confirm_clearance(today, spine_surgery=surgery):
            raise fail("there is no safety check to confirm yet: run `backstretch screen` first")
        who = "your surgical team" if surgery else "a clinician"
        out.print(f"Noted: {who} cleared you for stretching ({day_words(today)}).")
        return
    screening = save_screening(store, ask_screening(today), conditions)
    verdict = assess(screening, today, conditions=conditions)
    if verdict.may_plan:
        out.print("[green]Thank you. Nothing here stops you stretching.[/]")
        if screening.cleared_on is not None and any(verdict.see_clinician):
            out.print("Your earlier clearance still covers these answers: nothing new needs checking.")
    else:
        show_verdict(verdict)
        if not verdict.emergency and verdict.see_clinician == (SPINE_SURGERY,):
            err.print("When your surgical team has cleared you for stretching, run `backstretch screen --cleared`.")
        elif not verdict.emergency and SPINE_SURGERY in verdict.see_clinician:
            err.print("When your surgical team, and a clinician for your answers, have cleared you, run "
                      "`backstretch screen --cleared`.")  # fmt: skip
        elif not verdict.emergency:
            err.print("When a clinician has cleared you, run `backstretch screen --cleared`.")


def _print_plan(plan: Plan) -> None:
    minutes, seconds = divmod(plan.total_seconds, 60)
    table = Table(title=f"{plan.date.strftime('%A %d %B %Y')}: {minutes} min {seconds:02d} s of "
                        f"{plan.minutes_budget} min", title_justify="left")  # fmt: skip
    for column in ("#", "stretch", "hold", "position", "regions"):
        table.add_column(column)
    for n, item in enumerate(plan.items, start=1):
        sides = " each side" if item.sides == 2 else ""
        table.add_row(str(n), f"{item.name} [dim]({item.stretch})[/]", f"{item.hold_seconds} s × {item.reps}{sides}",
                      item.position.value, ", ".join(r.value for r in item.regions))  # fmt: skip
    out.print(table)
    for reason in plan.reasons:
        out.print(f"[cyan]Why:[/] {reason}")
    for warning in plan.warnings:
        out.print(f"[yellow]Note:[/] {warning}")


def plan_command(
    on: Annotated[str | None, typer.Option("--date", help="Plan for this day (YYYY-MM-DD).")] = None,
    minutes: Annotated[
        int | None, typer.Option(min=MINUTES_MIN, max=MINUTES_MAX, help="Minutes available; kept for the day planned.")
    ] = None,
    as_default: Annotated[
        bool, typer.Option("--default", help="Keep --minutes as your usual minutes from now on, not for the one day.")
    ] = False,
    desk: Annotated[bool, typer.Option("--desk", help="Only stretches you can do at a desk.")] = False,
    flare: Annotated[
        bool | None,
        typer.Option(
            "--flare/--no-flare",
            help="Your back is worse today (a flare-up): the gentlest stretches, "
            "kept for the day; --no-flare goes back to your usual routine.",
        ),
    ] = None,
    week: Annotated[bool, typer.Option("--week", help="Plan the next seven days (your stretch days only).")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    profile_file: Annotated[Path | None, typer.Option("--profile", help="Use this profile TOML file.")] = None,
    db: DbOption = None,
) -> None:
    """Today's routine, fitted to you (or seven days with --week). Minutes you choose are kept for the day (as on
    the web app's Today page), so `backstretch start` plays the same routine; with --default they become your
    usual minutes."""
    try:
        day = date.fromisoformat(on) if on else date.today()
    except ValueError:
        raise fail(f"--date must look like 2026-11-24, not {on!r}") from None
    if week and flare is not None:
        raise fail("--flare plans one flare-up day; leave out --week")
    if as_default and minutes is None:
        raise fail("--default keeps the minutes you give: add --minutes N")
    store = open_store(db)
    routines = Routines(load_catalogue())
    given: dict[str, Any] = {}
    if profile_file is not None:
        profile, screening = read_profile_file(profile_file)
        given = {"profile": profile, "screening": screening, "screening_given": True}
    elif minutes is not None and not week:
        if as_default and store.load_profile() is None:
            raise fail("no profile yet to keep a default in: run `backstretch profile` first")
        kept = keep_minutes(store, day, minutes, "default" if as_default else "today")
        if not as_json:
            out.print(
                f"[dim]Kept: {kept.words}[/]"
                if as_default
                else f"[dim]Kept: {minutes} minutes for {day_words(day)}; add --default to make them your usual.[/]"
            )
    if flare is not None and not given:
        mark_flare_day(store, day, flare)
        if not as_json:
            out.print(f"[dim]Kept: a flare-up day for {day_words(day)}; --no-flare goes back to your usual routine.[/]"
                      if flare else f"[dim]Kept: your usual routine for {day_words(day)}.[/]")  # fmt: skip
    found = (routines.week(store, day, minutes, desk, **given) if week
             else routines.today(store, day, minutes, (), desk, bool(flare), **given))  # fmt: skip
    if isinstance(found, Refusal):
        raise refuse(found, "run `backstretch profile` (or pass --profile FILE.toml)", as_json)
    plans = found if isinstance(found, list) else [found.plan]
    if as_json:
        payload: Any = [plan_json(p) for p in plans] if week else plan_json(plans[0])
        typer.echo(json.dumps(payload, indent=2, ensure_ascii=False))
        return
    for p in plans:
        _print_plan(p)
    out.print(f"[dim]{DISCLAIMER}[/]")
