"""The library CLI as a person uses it: listing, filtering, showing, drawing, adding and sharing stretches."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from backstretch.library import load_catalogue
from tests.helpers import backstretch

BUILTIN = "chair-hamstring-reach"
FIGURE = "wall-chest-stretch"  # a figure whose angles bring no safety tags of their own


def own_stretch(sid: str = "physio-door-stretch", **extra: str) -> str:
    """A person's own stretch in the documented format, reusing a built-in figure."""
    lines = "\n".join(f"{k} = {v}" for k, v in extra.items())
    return f'''
id = "{sid}"
name = "My physio's door-frame stretch"
summary = "Hands on a door frame, step through gently to open the chest."
position = "standing"
equipment = ["wall"]
spinal_movement = "neutral"
per_side = false
reps = 2
desk_friendly = true
figure_from = "{FIGURE}"
{lines}

[regions]
primary = ["chest"]
secondary = ["shoulders"]

[steps]
into = ["Stand in a doorway with forearms on the frame.", "Step one foot forward until the chest opens."]
out = ["Step back and let the arms down."]

[cues]
breathing = ["Breathe slowly and easily."]
alignment = ["Keep the ribs down and the neck long."]
feel = ["A gentle stretch across the front of the chest."]
avoid_feeling = ["Tingling in the hands or pain in the shoulder."]

[[sources]]
ref = "A2"
supports = "Hold 10-30 s, 2-4 times."
'''


def test_version() -> None:
    result = backstretch("--version")
    assert result.returncode == 0
    assert result.stdout.startswith("backstretch ")


def test_json_lists_the_whole_library_with_its_fields() -> None:
    result = backstretch("stretches", "--json")
    assert result.returncode == 0, result.stderr
    items = json.loads(result.stdout)
    assert len(items) >= 48
    for item in items:
        for field in ("id", "name", "regions", "position", "equipment", "spinal_movement", "hold_seconds",
                      "reps", "per_side", "steps", "cues", "avoid_if", "easier", "harder", "desk_friendly",
                      "figure", "sources"):  # fmt: skip
            assert field in item, (item["id"], field)


@pytest.mark.parametrize(
    ("args", "holds"),
    [
        (["--region", "hamstrings"], lambda s: "hamstrings" in s["regions"]["primary"] + s["regions"]["secondary"]),
        (["--position", "chair"], lambda s: s["position"] == "chair"),
        (["--equipment", "strap"], lambda s: "strap" in s["equipment"]),
        (["--desk"], lambda s: s["desk_friendly"]),
        (["--yoga"], lambda s: bool(s.get("yoga_name"))),
    ],
)
def test_filters_return_only_and_all_matching_stretches(args: list[str], holds: object) -> None:
    everything = json.loads(backstretch("stretches", "--json").stdout)
    result = backstretch("stretches", *args, "--json")
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout)
    assert found, args
    assert {s["id"] for s in found} == {s["id"] for s in everything if holds(s)}  # type: ignore[operator]


def test_table_output_names_stretches() -> None:
    result = backstretch("stretches", "--desk")
    assert result.returncode == 0
    assert BUILTIN in result.stdout


@pytest.mark.parametrize("option", ["--region", "--position", "--equipment"])
def test_unknown_filter_value_lists_the_choices(option: str) -> None:
    result = backstretch("stretches", option, "banana")
    assert result.returncode == 2
    assert "banana" in result.stderr
    assert "one of" in result.stderr


def test_show_gives_steps_cues_and_precautions() -> None:
    result = backstretch("stretches", "show", BUILTIN)
    assert result.returncode == 0, result.stderr
    stretch = load_catalogue()[BUILTIN]
    text = " ".join(result.stdout.split())
    assert stretch.steps.into[0].split()[0] in text
    assert "Stop if you feel" in text
    assert "not a diagnosis" in text
    as_json = json.loads(backstretch("stretches", "show", BUILTIN, "--json").stdout)
    assert as_json["id"] == BUILTIN
    assert as_json["steps"]["into"] == list(stretch.steps.into)


def test_unknown_id_is_a_clear_error() -> None:
    result = backstretch("stretches", "show", "no-such-stretch")
    assert result.returncode == 2
    assert "no stretch with the id 'no-such-stretch'" in result.stderr
    assert "Traceback" not in result.stderr


def test_figure_writes_an_svg(tmp_path: Path) -> None:
    target = tmp_path / "fig.svg"
    result = backstretch("stretches", "figure", BUILTIN, "-o", target)
    assert result.returncode == 0, result.stderr
    root = ET.fromstring(target.read_text())
    assert root.tag.endswith("svg")
    assert root.find("{http://www.w3.org/2000/svg}title") is not None
    bad = backstretch("stretches", "figure", BUILTIN, "-o", tmp_path / "fig.png")
    assert bad.returncode == 2
    assert ".svg" in bad.stderr


def test_own_stretch_is_refused_without_the_tag_its_borrowed_figure_shows(tmp_path: Path) -> None:
    """Rule derived-tags holds for people's own stretches: the hamstring figure bends the hip past 90 degrees."""
    file = tmp_path / "mine.toml"
    file.write_text(own_stretch().replace(f'figure_from = "{FIGURE}"', f'figure_from = "{BUILTIN}"'))
    result = backstretch("stretches", "add", file)
    assert result.returncode != 0
    assert "field 'avoid_if': must include 'hip-replacement' because" in result.stderr
    assert "past 90°" in result.stderr and f"(figure from '{BUILTIN}')" in result.stderr


def test_add_own_stretch_then_it_behaves_like_a_built_in(tmp_path: Path, backstretch_home: Path) -> None:
    file = tmp_path / "mine.toml"
    file.write_text(own_stretch(easier=f'["{BUILTIN}"]'))
    result = backstretch("stretches", "add", file)
    assert result.returncode == 0, result.stderr
    assert (backstretch_home / "stretches" / "physio-door-stretch.toml").is_file()
    listed = json.loads(backstretch("stretches", "--region", "chest", "--json").stdout)
    assert "physio-door-stretch" in {s["id"] for s in listed}
    builtin = json.loads(backstretch("stretches", "show", BUILTIN, "--json").stdout)
    assert "physio-door-stretch" in builtin["harder"], "the built-in gains the link back"
    svg = tmp_path / "mine.svg"
    assert backstretch("stretches", "figure", "physio-door-stretch", "-o", svg).returncode == 0
    assert "<svg" in svg.read_text()


def test_bad_own_stretch_is_refused_with_file_field_and_reason(tmp_path: Path, backstretch_home: Path) -> None:
    file = tmp_path / "bad.toml"
    file.write_text(own_stretch().replace('position = "standing"', 'position = "on-the-sofa"'))
    result = backstretch("stretches", "add", file)
    assert result.returncode == 2
    assert str(file) in result.stderr
    assert "position" in result.stderr
    assert "on-the-sofa" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (backstretch_home / "stretches").exists() or not any((backstretch_home / "stretches").iterdir())


def test_own_stretch_must_follow_safety_rules(tmp_path: Path) -> None:
    file = tmp_path / "twist.toml"
    text = own_stretch().replace('spinal_movement = "neutral"', 'spinal_movement = "rotation"')
    text = text.replace('primary = ["chest"]', 'primary = ["upper-back"]')
    file.write_text(text)
    result = backstretch("stretches", "add", file)
    assert result.returncode == 2
    assert "must include 'osteoporosis'" in result.stderr


def test_own_stretch_cannot_take_a_built_in_id_or_be_added_twice(tmp_path: Path) -> None:
    clash = tmp_path / "clash.toml"
    clash.write_text(own_stretch(sid=BUILTIN))
    result = backstretch("stretches", "add", clash)
    assert result.returncode == 2
    assert "built-in" in result.stderr
    mine = tmp_path / "mine.toml"
    mine.write_text(own_stretch())
    assert backstretch("stretches", "add", mine).returncode == 0
    again = backstretch("stretches", "add", mine)
    assert again.returncode == 2
    assert "--replace" in again.stderr
    assert backstretch("stretches", "add", mine, "--replace").returncode == 0


def test_malformed_toml_and_missing_file(tmp_path: Path) -> None:
    broken = tmp_path / "broken.toml"
    broken.write_text('id = "x\nname = ')
    result = backstretch("stretches", "add", broken)
    assert result.returncode == 2
    assert "not valid TOML" in result.stderr
    missing = backstretch("stretches", "add", tmp_path / "nope.toml")
    assert missing.returncode == 2
    assert "no file" in missing.stderr


def test_export_then_add_elsewhere_round_trips(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    mine = tmp_path / "mine.toml"
    mine.write_text(own_stretch())
    second = tmp_path / "second.toml"
    second.write_text(own_stretch(sid="physio-door-stretch-deeper").replace("per_side = false", "per_side = true"))
    assert backstretch("stretches", "add", mine).returncode == 0
    assert backstretch("stretches", "add", second).returncode == 0
    shared = tmp_path / "set.toml"
    result = backstretch("stretches", "export", "physio-door-stretch", "physio-door-stretch-deeper", "-o", shared)
    assert result.returncode == 0, result.stderr
    before = [json.loads(backstretch("stretches", "show", sid, "--json").stdout)
              for sid in ("physio-door-stretch", "physio-door-stretch-deeper")]  # fmt: skip
    monkeypatch.setenv("BACKSTRETCH_HOME", str(tmp_path / "someone-else"))
    assert backstretch("stretches", "add", shared).returncode == 0
    after = [json.loads(backstretch("stretches", "show", sid, "--json").stdout)
             for sid in ("physio-door-stretch", "physio-door-stretch-deeper")]  # fmt: skip
    assert after == before


def test_export_of_unknown_id_fails(tmp_path: Path) -> None:
    result = backstretch("stretches", "export", "nope", "-o", tmp_path / "x.toml")
    assert result.returncode == 2
    assert not (tmp_path / "x.toml").exists()


def test_remove_own_stretch_but_never_a_built_in(tmp_path: Path) -> None:
    mine = tmp_path / "mine.toml"
    mine.write_text(own_stretch())
    assert backstretch("stretches", "add", mine).returncode == 0
    assert backstretch("stretches", "remove", "physio-door-stretch").returncode == 0
    assert backstretch("stretches", "show", "physio-door-stretch").returncode == 2
    refused = backstretch("stretches", "remove", BUILTIN)
    assert refused.returncode == 2
    assert "built-in" in refused.stderr


def test_browse_reads_a_stretch_by_number_then_quits() -> None:
    result = backstretch("browse", stdin="1\n\n")
    assert result.returncode == 0, result.stderr
    assert "not a diagnosis" in result.stdout
    assert "Getting into it" in result.stdout


def test_the_librarys_example_stretch_adds_cleanly(tmp_path: Path) -> None:
    readme = (Path(__file__).resolve().parent.parent / "docs" / "stretch-library.md").read_text()
    example = readme.split('```toml\nid = "physio-door-stretch"', 1)[1].split("```", 1)[0]
    file = tmp_path / "example.toml"
    file.write_text('id = "physio-door-stretch"' + example)
    result = backstretch("stretches", "add", file)
    assert result.returncode == 0, result.stderr
    assert backstretch("stretches", "show", "physio-door-stretch").returncode == 0


@pytest.mark.parametrize("text", [
    "x = " + "[" * 1000 + "1" + "]" * 1000 + "\n",  # past Python's recursion limit
    "x = " + "[" * 300 + "1" + "]" * 300 + "\n",  # parses, but no stretch nests so deep
    "x = " + "{ y = " * 50 + "1" + " }" * 50 + "\n",
    "# " + "padding " * 600_000 + "\n",  # over the size limit
])  # fmt: skip
def test_a_hostile_stretch_file_is_a_clear_error(text: str, tmp_path: Path) -> None:
    hostile = tmp_path / "hostile.toml"
    hostile.write_text(text)
    result = backstretch("stretches", "add", hostile)
    assert result.returncode != 0 and "Traceback" not in result.stderr, result.stderr
    assert "nested more than 16 levels deep" in result.stderr or "larger than 4 MB" in result.stderr


def test_a_hostile_import_file_is_a_clear_error(tmp_path: Path) -> None:
    deep = tmp_path / "deep.json"
    deep.write_text('{"format": "backstretch", "version": 1, "x": ' + "[" * 100_000 + "]" * 100_000 + "}")
    result = backstretch("import", deep, "--db", f"sqlite:///{tmp_path / 'x.sqlite3'}")
    assert result.returncode != 0 and "Traceback" not in result.stderr and "nested too deeply" in result.stderr
