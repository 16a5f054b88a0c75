"""The design system at the top of app.css: each colour pair the pages use meets WCAG AA in the light scheme and the
dark one, every colour has a dark value, and the rules below the tokens take colours, type sizes, spacing and radii
from the tokens only (no one-off values)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

CSS = (Path(__file__).resolve().parent.parent / "src" / "backstretch" / "web" / "static" / "app.css").read_text()
DARK = "@media (prefers-color-scheme: dark)"
TEXT, LARGE_OR_PART = 4.5, 3.0  # WCAG 2.1 AA: 1.4.3 text; 1.4.11 borders, focus rings, chart marks

# (foreground, background, the least contrast), as the pages put them together.
PAIRS = [
    ("ink", "paper", TEXT), ("ink", "wash", TEXT), ("ink", "warn-wash", TEXT), ("figure-ink", "figure-plate", TEXT),
    ("muted", "paper", TEXT), ("muted", "wash", TEXT), ("muted", "ok-wash", TEXT),
    ("accent", "paper", TEXT), ("accent", "wash", TEXT), ("accent-ink", "accent", TEXT),
    ("bar-ink", "bar", TEXT), ("warn", "paper", TEXT), ("warn", "wash", TEXT), ("warn", "warn-wash", TEXT),
    ("warn-ink", "warn", TEXT), ("ok", "paper", TEXT), ("ok", "wash", TEXT), ("paper", "ok", TEXT),
    ("paper", "ink", TEXT), ("disabled-ink", "disabled", TEXT),
    ("field", "paper", LARGE_OR_PART), ("focus", "paper", LARGE_OR_PART), ("focus", "wash", LARGE_OR_PART),
    ("focus-on-bar", "bar", LARGE_OR_PART), ("accent", "paper", LARGE_OR_PART), ("ok", "ok-wash", LARGE_OR_PART),
    ("series-pain", "paper", LARGE_OR_PART), ("series-function", "paper", LARGE_OR_PART),
    ("series-reach", "paper", LARGE_OR_PART), ("ink", "ok-wash", TEXT),
]  # fmt: skip


def token_blocks() -> tuple[str, str, str]:
    """The light tokens (the first :root), the dark ones, and every rule after them."""
    light_start = CSS.index(":root {")
    light = CSS[light_start : CSS.index("}", light_start)]
    dark_start = CSS.index(DARK)
    dark_root = CSS.index(":root {", dark_start)
    dark_end = CSS.index("}", dark_root)
    rules_start = CSS.index("}", dark_end + 1) + 1
    return light, CSS[dark_root:dark_end], CSS[rules_start:]


def tokens(block: str) -> dict[str, str]:
    return {name: value.strip() for name, value in re.findall(r"--([\w-]+):\s*([^;]+);", block)}


def luminance(colour: str) -> float:
    """WCAG 2.1's relative luminance of a #rrggbb colour."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    light, dark = sorted((luminance(a), luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_the_contrast_formula_gives_wcags_own_figures() -> None:
    assert contrast("#000000", "#ffffff") == pytest.approx(21)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)  # the grey just under AA
    assert contrast("#123456", "#123456") == 1


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_colour_pair_meets_wcag_aa(scheme: str) -> None:
    light, dark, _ = token_blocks()
    colours = tokens(light) | (tokens(dark) if scheme == "dark" else {})
    weak = [f"--{fg} on --{bg}: {contrast(colours[fg], colours[bg]):.2f}:1, needs {least}:1"
            for fg, bg, least in PAIRS if contrast(colours[fg], colours[bg]) < least]  # fmt: skip
    assert not weak, f"{scheme}: " + "; ".join(weak)


def test_every_colour_has_a_dark_value() -> None:
    light, dark, _ = token_blocks()
    is_colour = re.compile(r"^(#[0-9a-f]{6}|rgb\()", re.I)
    colours = {name for name, value in tokens(light).items() if is_colour.match(value)}
    assert colours - set(tokens(dark)) == set(), "a colour without its dark value"
    assert set(tokens(dark)) <= colours, "the dark scheme changes colours only"


def declarations(rules: str) -> list[tuple[str, str]]:
    body = re.sub(r"/\*.*?\*/", "", rules, flags=re.S)
    return [(p.strip(), v.strip()) for p, v in re.findall(r"([\w-]+)\s*:\s*([^;{}]+)[;}]", body)]


def test_the_rules_take_their_values_from_the_tokens() -> None:
    *_, rules = token_blocks()
    one_off = []
    for prop, value in declarations(rules):
        if re.search(r"#[0-9a-f]{3,8}\b|rgba?\(|hsla?\(", value, re.I):
            one_off.append(f"{prop}: {value} (a colour)")
        if prop == "font-size" and not re.fullmatch(r"var\(--text-[\w-]+\)|inherit", value):
            one_off.append(f"{prop}: {value} (not on the type scale)")
        if prop == "border-radius" and not re.fullmatch(r"(var\(--radius[\w-]*\)|0|50%)( .*)?", value):
            one_off.append(f"{prop}: {value} (not a radius token)")
        spacing = re.fullmatch(r"(margin|padding)(-\w+)?|(row-|column-)?gap", prop)
        if spacing and re.search(r"(?<![\w-])\d*\.?\d+(rem|em|px)", value.replace("outline-offset", "")):
            one_off.append(f"{prop}: {value} (not on the spacing scale)")
    assert not one_off, "\n".join(one_off)


def test_every_token_is_used() -> None:
    light, _, rules = token_blocks()
    used = set(re.findall(r"var\(--([\w-]+)\)", rules + light))
    assert set(tokens(light)) - used == set(), "a token no rule uses"
