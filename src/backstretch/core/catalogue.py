"""The stretch catalogue: the typed model of one stretch, the library rules, and the set of all stretches.

Parsing and checking are pure: text in, a Stretch or a list of Problems out. Problems name the file, the field
and what is wrong, so that whoever wrote the file (us, a person, a physio) can fix it without reading code.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError, model_validator

from backstretch.core.errors import field_messages
from backstretch.core.figure import FigureSpec
from backstretch.core.motion import Bound, JointAngle, Target
from backstretch.core.posture import findings
from backstretch.core.vocab import (
    BALANCE_WORDS,
    FLOOR_POSITIONS,
    SOURCES,
    Balance,
    Condition,
    Equipment,
    Position,
    Region,
    SpinalMovement,
    Support,
    condition_source,
)

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=60)]
Sentence = Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=400)]

# clinical-facts: hold-time. Adults hold 10–30 s (A1, A2); the planner extends this for people 65 and over.
HOLD_MIN_S, HOLD_MAX_S, HOLD_DEFAULT_S = 10, 30, 20
# clinical-facts: volume. 2–4 repetitions per stretch (A2); one is allowed so short routines keep their breadth.
REPS_MIN, REPS_MAX = 1, 4


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Regions(_Strict):
    primary: tuple[Region, ...] = Field(min_length=1)
    secondary: tuple[Region, ...] = ()


class HoldSeconds(_Strict):
    default: int = Field(default=HOLD_DEFAULT_S, ge=HOLD_MIN_S, le=HOLD_MAX_S)
    min: int = Field(default=HOLD_MIN_S, ge=HOLD_MIN_S, le=HOLD_MAX_S)
    max: int = Field(default=HOLD_MAX_S, ge=HOLD_MIN_S, le=HOLD_MAX_S)

    @model_validator(mode="after")
    def _ordered(self) -> HoldSeconds:
        if not self.min <= self.default <= self.max:
            raise ValueError(f"need min <= default <= max, got {self.min} <= {self.default} <= {self.max}")
        return self


class Steps(_Strict):
    into: tuple[Sentence, ...] = Field(min_length=1)
    out: tuple[Sentence, ...] = Field(min_length=1)


class Cues(_Strict):
    breathing: tuple[Sentence, ...] = Field(min_length=1)
    alignment: tuple[Sentence, ...] = Field(min_length=1)
    feel: tuple[Sentence, ...] = Field(min_length=1)
    avoid_feeling: tuple[Sentence, ...] = Field(min_length=1)


class Source(_Strict):
    ref: str
    supports: Sentence

    @model_validator(mode="after")
    def _known(self) -> Source:
        if self.ref not in SOURCES:
            raise ValueError(f"unknown source {self.ref!r}; known sources: {', '.join(SOURCES)}")
        return self


class CameraBound(_Strict):
    angle: JointAngle
    at_most: float | None = Field(default=None, ge=0, le=180)
    at_least: float | None = Field(default=None, ge=0, le=180)

    @model_validator(mode="after")
    def _one_bound(self) -> CameraBound:
        if (self.at_most is None) == (self.at_least is None):
            raise ValueError("give exactly one of at_most or at_least (degrees)")
        return self

    def describe(self) -> str:
        limit = f"at most {self.at_most:g}" if self.at_most is not None else f"at least {self.at_least:g}"
        return f"{self.angle.value} angle {limit}°"


class CameraCheck(CameraBound):
    """How the camera coach tells that someone is in this stretch: one joint angle past a threshold, and `also`
    other angles that tell it apart from stretches with the same first angle.

    Only stretches whose deciding joints a camera can see well declare one; the others use the plain timer.
    """

    also: tuple[CameraBound, ...] = ()

    def describe(self) -> str:
        return ", ".join(CameraBound.describe(b) for b in (self, *self.also))

    @property
    def target(self) -> Target:
        also = tuple(Bound(b.angle, b.at_most, b.at_least) for b in self.also)
        return Target(self.angle, self.at_most, self.at_least, also)

    def measure_name(self, stretch_name: str) -> str:
        """What its range of motion measures, in words: "hip angle in Standing forward fold, degrees (lower is
        deeper)"; deeper is lower for an at-most angle, as Target.deeper says."""
        deeper = "higher" if self.at_most is None else "lower"
        return f"{self.angle.value} angle in {stretch_name}, degrees ({deeper} is deeper)"


class Stretch(_Strict):
    """One stretch as a data file describes it."""

    id: Slug
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=80)]
    also_known_as: tuple[str, ...] = ()
    summary: Sentence
    regions: Regions
    position: Position
    equipment: tuple[Equipment, ...] = (Equipment.NONE,)
    spinal_movement: SpinalMovement
    hold_seconds: HoldSeconds = HoldSeconds()
    reps: int = Field(default=2, ge=REPS_MIN, le=REPS_MAX)
    per_side: bool
    steps: Steps
    cues: Cues
    avoid_if: tuple[Condition, ...] = ()
    # What the stretch asks of the body where the figure cannot show it; the safety tags follow from these.
    weight_on: tuple[Support, ...] = ()
    balance: tuple[Balance, ...] = ()
    balance_supported: bool = False  # a hand stays on a steady chair, wall or desk throughout
    end_range: bool = False  # a deep stretch that takes a joint or the spine to the end of its range
    neck_end_range: bool = False  # the neck bends to near the end of its range (beyond what the figure shows)
    hip_turned_in: bool = False  # a leg turns inward at the hip (knees falling in or across)
    easier: tuple[Slug, ...] = ()
    harder: tuple[Slug, ...] = ()
    yoga_name: str | None = None
    desk_friendly: bool = False
    figure: FigureSpec | None = None
    figure_from: Slug | None = None
    camera: CameraCheck | None = None
    sources: tuple[Source, ...] = Field(min_length=1)

    @property
    def all_regions(self) -> tuple[Region, ...]:
        return self.regions.primary + tuple(r for r in self.regions.secondary if r not in self.regions.primary)


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong in one file; str() is the message a person sees."""

    source: str
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.source}: field '{self.field}': {self.message}"


class CatalogueError(Exception):
    """Raised with every problem found, so one run shows the author all there is to fix."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


_SPINE_REGIONS = frozenset({Region.LOWER_BACK, Region.UPPER_BACK, Region.SIDE_BODY})
_ON_ALL_FOURS = frozenset({"all-fours"})
_KNEELING_BASES = frozenset({"all-fours", "kneeling"})
_LYING = {Position.FLOOR_SUPINE: "lying on the back", Position.FLOOR_PRONE: "lying on the front"}


def _balance_words(stretch: Stretch) -> str:
    return " and ".join(BALANCE_WORDS[b] for b in stretch.balance)


def required_avoid_if(stretch: Stretch, figure: FigureSpec | None = None) -> dict[Condition, str]:
    """Conditions a stretch must list, derived from what it is; the value says why, with its source.

    Rule derived-tags (clinical-facts section 4): what a stretch is decides its tags wherever the file shows it:
    its position, spinal movement, equipment, the facts it states (weight_on, balance, end_range, ...) and the
    joint angles of its figure (``figure`` when borrowed with figure_from, else its own). These make the clinical
    rules hold for every stretch, including ones a person adds, instead of trusting each author to remember them.
    """
    need: dict[Condition, str] = {}

    def add(condition: Condition, why: str) -> None:
        need.setdefault(condition, why)

    spine_involved = bool(_SPINE_REGIONS & set(stretch.all_regions))
    figure = figure if figure is not None else stretch.figure
    seen = {f.fact: f.where for f in findings(figure)} if figure is not None else {}
    base = figure.base if figure is not None else None
    supports = set(stretch.weight_on)
    if base in _ON_ALL_FOURS:
        supports |= {Support.HANDS, Support.KNEES}

    # Getting down, kneeling (AAOS-TKA for a knee replacement: no kneeling on the operated knee until cleared).
    if stretch.position in FLOOR_POSITIONS:
        add(Condition.CANNOT_GET_TO_FLOOR, f"position {stretch.position.value} is on the floor")
    kneels = stretch.position is Position.KNEELING or base in _KNEELING_BASES or Support.KNEES in supports
    if kneels:
        how = "on all fours" if base in _ON_ALL_FOURS else "kneeling"
        add(Condition.CANNOT_KNEEL, f"the stretch is done {how}")
        add(Condition.KNEE_REPLACEMENT, f"it puts body weight through the knees {how} (AAOS-TKA)")

    # Directional preference (MCKENZIE).
    if stretch.spinal_movement is SpinalMovement.FLEXION:
        add(Condition.FLEXION_INTOLERANT, "it bends the spine forward (clinical-facts section 4)")
    if "knee-to-chest" in seen:
        add(Condition.FLEXION_INTOLERANT, f"{seen['knee-to-chest']} (MCKENZIE: the provoking direction)")
    if stretch.spinal_movement is SpinalMovement.EXTENSION:
        add(Condition.EXTENSION_INTOLERANT, "it bends the spine backward (clinical-facts section 4)")

    # Osteoporosis (R4): no end-range or loaded flexion or twisting; no unsupported balance positions.
    if stretch.spinal_movement in (SpinalMovement.FLEXION, SpinalMovement.ROTATION) and spine_involved:
        add(Condition.OSTEOPOROSIS, "it bends forward or twists the back (R4: avoid with osteoporosis)")
    if "knee-to-chest" in seen:
        add(Condition.OSTEOPOROSIS, f"{seen['knee-to-chest']} (R4: no end-range spinal flexion)")
    if Equipment.BACK_STRETCHER in stretch.equipment:
        add(Condition.OSTEOPOROSIS, "the back-stretcher loads the spine into an arch")
    if stretch.balance and not stretch.balance_supported:
        add(Condition.OSTEOPOROSIS, f"it tests balance ({_balance_words(stretch)}) with nothing to hold "
                                    "(R4: fall prevention)")  # fmt: skip

    if stretch.spinal_movement is not SpinalMovement.NEUTRAL or spine_involved:
        add(Condition.RECENT_SPINE_SURGERY, "it moves or loads the spine (only what the surgical team clears)")

    # Pregnancy (ACOG-804, Rule pregnancy).
    if stretch.position in _LYING:
        lying = _LYING[stretch.position]
        add(
            Condition.PREGNANCY_AFTER_FIRST_TRIMESTER,
            f"it is done {lying}, left out after the first trimester (ACOG-804)",
        )
    if stretch.balance and not stretch.balance_supported:
        add(Condition.PREGNANCY, "it tests balance with nothing to hold, a fall risk avoided at every stage of "
                                 "pregnancy (ACOG-804)")  # fmt: skip
    if stretch.end_range:
        add(Condition.PREGNANCY, "it is a deep end-range stretch, avoided at every stage of pregnancy (ACOG-804)")

    # Hip replacement (AAOS-THA): posterior and anterior precautions both, as the approach is not known.
    if "hip-past-90" in seen:
        add(Condition.HIP_REPLACEMENT, f"{seen['hip-past-90']} (AAOS-THA, posterior approach)")
    elif base in _ON_ALL_FOURS:
        add(Condition.HIP_REPLACEMENT, "on all fours the hips sit at 90° and any rock back takes them past it "
                                       "(AAOS-THA, posterior approach)")  # fmt: skip
    if "leg-across" in seen:
        add(Condition.HIP_REPLACEMENT, f"{seen['leg-across']} (AAOS-THA, posterior approach)")
    if stretch.hip_turned_in:
        add(Condition.HIP_REPLACEMENT, "a leg turns inward at the hip (AAOS-THA, posterior approach)")
    if "hip-behind" in seen:
        add(Condition.HIP_REPLACEMENT, f"{seen['hip-behind']}, where a leg easily turns out (AAOS-THA, anterior "
                                       "approach; both approaches apply when it is not known)")  # fmt: skip

    # Wrists, shoulders, neck: practical precautions (BACKSTRETCH).
    if Support.HANDS in supports:
        add(Condition.WRIST_PAIN, "body weight goes through the hands")
    if supports & {Support.HANDS, Support.FOREARMS}:
        add(Condition.SHOULDER_INJURY, "body weight goes through the arms")
    if "arms-overhead" in seen:
        add(Condition.SHOULDER_INJURY, seen["arms-overhead"])
    if "arm-out" in seen and stretch.spinal_movement is SpinalMovement.ROTATION:
        add(Condition.SHOULDER_INJURY, f"{seen['arm-out']}, and the twist levers against that shoulder")
    if "head-below-heart" in seen:
        add(Condition.NECK_INJURY, f"{seen['head-below-heart']}, so the neck holds or hangs the head")
    if "neck-end-range" in seen:
        add(Condition.NECK_INJURY, f"{seen['neck-end-range']}")
    if stretch.neck_end_range:
        add(Condition.NECK_INJURY, "the neck bends to near the end of its range")

    # Balance: single-leg, split stance, head down then up, kneeling transitions.
    if stretch.balance:
        add(Condition.BALANCE_PROBLEMS, f"it tests balance ({_balance_words(stretch)})")
    if stretch.position is Position.STANDING and "head-below-heart" in seen:
        add(Condition.BALANCE_PROBLEMS, "standing with the head below the heart, coming up can make you dizzy")
    return need


def check_stretch(stretch: Stretch, source: str) -> list[Problem]:
    """Rules within one stretch that a schema cannot express."""
    problems: list[Problem] = []

    def problem(field: str, message: str) -> None:
        problems.append(Problem(source, field, message))

    if len(set(stretch.regions.primary)) != len(stretch.regions.primary):
        problem("regions.primary", "lists a region twice")
    overlap = set(stretch.regions.primary) & set(stretch.regions.secondary)
    if overlap:
        problem("regions.secondary", f"repeats primary regions: {', '.join(sorted(overlap))}")
    if Equipment.NONE in stretch.equipment and len(stretch.equipment) > 1:
        problem("equipment", "'none' cannot be combined with other equipment")
    if stretch.position is Position.CHAIR and Equipment.CHAIR not in stretch.equipment:
        problem("equipment", "a chair stretch must list 'chair'")
    if stretch.desk_friendly and stretch.position not in (Position.CHAIR, Position.STANDING):
        problem("desk_friendly", "only chair or standing stretches can be done at a desk")
    for condition, why in required_avoid_if(stretch).items():
        if condition not in stretch.avoid_if:
            problem("avoid_if", f"must include '{condition.value}' because {why}")
    if len(set(stretch.avoid_if)) != len(stretch.avoid_if):
        problem("avoid_if", "lists a condition twice")
    if len(set(stretch.weight_on)) != len(stretch.weight_on):
        problem("weight_on", "lists a body part twice")
    if len(set(stretch.balance)) != len(stretch.balance):
        problem("balance", "lists a balance demand twice")
    if stretch.balance_supported and not stretch.balance:
        problem("balance_supported", "only means something with a balance demand in 'balance'")
    cited = {s.ref for s in stretch.sources}
    if not cited & {"A1", "A2"}:
        problem("sources", "must cite A1 or A2 for the hold time and repetitions")
    for condition in stretch.avoid_if:
        ref = condition_source(condition)
        if ref not in cited:
            problem("sources", f"avoid_if '{condition.value}' needs a source entry with ref = \"{ref}\"")
    if stretch.figure is None and stretch.figure_from is None:
        problem("figure", "every stretch needs a figure, or figure_from naming a stretch whose figure it reuses")
    if stretch.figure is not None and stretch.figure_from is not None:
        problem("figure_from", "give either figure or figure_from, not both")
    if stretch.id in stretch.easier or stretch.id in stretch.harder:
        problem("easier" if stretch.id in stretch.easier else "harder", "a stretch cannot be its own variant")
    return problems


TOML_MAX_CHARS = 4 * 1024 * 1024  # a set of every stretch in the library, exported, is under 200 kB
TOML_MAX_DEPTH = 16  # a stretch file nests four deep (a figure's joints); room to spare, none for abuse


class TomlError(ValueError):
    """A TOML file that cannot be read, in words for its author."""


def read_toml(text: str) -> dict[str, Any]:
    """TOML text as data, within a size and a nesting depth: any TOML the app reads (stretches, profiles) comes
    through here, so a hostile file (1000 nested arrays, a huge file) is a clear error, never a traceback."""
    if len(text) > TOML_MAX_CHARS:
        raise TomlError(f"larger than {TOML_MAX_CHARS // (1024 * 1024)} MB, far more than any stretch file needs")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise TomlError(f"not valid TOML: {error}") from None
    except RecursionError:
        raise TomlError(f"nested more than {TOML_MAX_DEPTH} levels deep") from None
    # Counted without recursion: the depth is what is being checked.
    levels: list[tuple[object, int]] = [(data, 1)]
    while levels:
        value, depth = levels.pop()
        if depth > TOML_MAX_DEPTH:
            raise TomlError(f"nested more than {TOML_MAX_DEPTH} levels deep")
        inner = value.values() if isinstance(value, dict) else value if isinstance(value, list) else ()
        levels.extend((child, depth + 1) for child in inner)
    return data


def parse_stretch(text: str, source: str) -> Stretch:
    """Parse and check one stretch file's text; raises CatalogueError listing every problem."""
    try:
        data = read_toml(text)
    except TomlError as error:
        raise CatalogueError([Problem(source, "(file)", str(error))]) from None
    return stretch_from_data(data, source)


def stretch_from_data(data: Mapping[str, Any], source: str) -> Stretch:
    try:
        stretch = Stretch.model_validate(data)
    except ValidationError as error:
        raise CatalogueError([Problem(source, field, message) for field, message in field_messages(error)]) from None
    problems = check_stretch(stretch, source)
    if problems:
        raise CatalogueError(problems)
    return stretch


class Catalogue(Mapping[str, Stretch]):
    """All stretches a person can be given: the built-in library plus their own, with links checked."""

    def __init__(self, stretches: Mapping[str, Stretch], sources: Mapping[str, str]) -> None:
        self._stretches = dict(stretches)
        self._sources = dict(sources)
        problems = check_links(self._stretches, self._sources)
        if problems:
            raise CatalogueError(problems)

    def __getitem__(self, key: str) -> Stretch:
        return self._stretches[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._stretches)

    def __len__(self) -> int:
        return len(self._stretches)

    def source_of(self, stretch_id: str) -> str:
        return self._sources[stretch_id]

    def figure_of(self, stretch_id: str) -> FigureSpec:
        stretch = self._stretches[stretch_id]
        if stretch.figure is not None:
            return stretch.figure
        assert stretch.figure_from is not None  # check_stretch guarantees one of the two
        return self.figure_of(stretch.figure_from)


def check_links(stretches: Mapping[str, Stretch], sources: Mapping[str, str]) -> list[Problem]:
    """Rules across stretches: variants exist and point back, figures borrowed from real figures."""
    problems: list[Problem] = []
    for sid, stretch in stretches.items():
        where = sources.get(sid, sid)
        for field, back in (("easier", "harder"), ("harder", "easier")):
            for other_id in getattr(stretch, field):
                other = stretches.get(other_id)
                if other is None:
                    problems.append(Problem(where, field, f"no stretch has the id {other_id!r}"))
                elif sid not in getattr(other, back):
                    problems.append(
                        Problem(where, field, f"{other_id!r} does not list {sid!r} in its {back!r} variants")
                    )
        if stretch.figure_from is not None:
            target = stretches.get(stretch.figure_from)
            if target is None:
                problems.append(Problem(where, "figure_from", f"no stretch has the id {stretch.figure_from!r}"))
            elif target.figure is None:
                problems.append(
                    Problem(where, "figure_from", f"{stretch.figure_from!r} has no figure of its own to reuse")
                )
            else:
                # The borrowed figure says what the stretch is as much as an own figure would.
                for condition, why in required_avoid_if(stretch, target.figure).items():
                    if condition not in stretch.avoid_if:
                        problems.append(
                            Problem(
                                where,
                                "avoid_if",
                                f"must include '{condition.value}' because {why} (figure from {stretch.figure_from!r})",
                            )
                        )
    return sorted(problems)


def filter_stretches(
    catalogue: Mapping[str, Stretch],
    region: Region | None = None,
    position: Position | None = None,
    equipment: Equipment | None = None,
    desk: bool = False,
    yoga: bool = False,
    text: str = "",
) -> list[Stretch]:
    """Stretches matching every filter given, by id; ``text`` looks in names, other names, yoga names and summaries."""
    words = text.casefold().split()
    chosen = []
    for sid in sorted(catalogue):
        s = catalogue[sid]
        if region is not None and region not in s.all_regions:
            continue
        if position is not None and s.position is not position:
            continue
        if equipment is not None and equipment not in s.equipment:
            continue
        if desk and not s.desk_friendly:
            continue
        if yoga and not s.yoga_name:
            continue
        haystack = " ".join([s.id, s.name, s.summary, s.yoga_name or "", *s.also_known_as]).casefold()
        if not all(w in haystack for w in words):
            continue
        chosen.append(s)
    return chosen
