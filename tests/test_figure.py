"""Figures for any pose data: well-formed SVG, the body resting on the floor, props drawn where asked."""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from backstretch.core.catalogue import CatalogueError, stretch_from_data
from backstretch.core.figure import (
    ARROW,
    BASE_POSES,
    FAR_PROP_LINE,
    HEAD_R,
    PROP_LINE,
    SHOULDER_HALF,
    WIDTH,
    Angle,
    Arrow,
    FigureSpec,
    Joint,
    Prop,
    PropKind,
    View,
    place,
    render_svg,
)
from backstretch.library import load_builtin, load_catalogue

SVG = "{http://www.w3.org/2000/svg}"

angles = st.dictionaries(st.sampled_from(list(Angle)), st.floats(-180, 180, allow_nan=False), max_size=len(Angle))
specs = st.builds(
    FigureSpec,
    view=st.sampled_from(list(View)),
    base=st.sampled_from(list(BASE_POSES)),
    start=angles,
    hold=angles,
    props=st.lists(
        st.sampled_from(
            [
                Prop(kind=PropKind.CHAIR),
                Prop(kind=PropKind.MAT),
                Prop(kind=PropKind.WALL, at=Joint.RIGHT_HAND),
                Prop(kind=PropKind.STRAP, at=Joint.RIGHT_HAND, to=Joint.RIGHT_TOE),
                Prop(kind=PropKind.CUSHION, at=Joint.PELVIS),
                Prop(kind=PropKind.BACK_STRETCHER),
            ]
        ),
        max_size=3,
    ).map(tuple),
    arrows=st.lists(
        st.one_of(
            st.builds(
                Arrow, turn=st.sampled_from(["left", "right"]), around=st.sampled_from(["head", "chest", "pelvis"])
            ),
            st.builds(Arrow, move=st.floats(-360, 360, allow_nan=False), at=st.sampled_from(list(Joint))),
        ),
        max_size=2,
    ).map(tuple),
    breadth=st.floats(0.05, 1.0),
    behind=st.lists(st.sampled_from(list(Angle)), max_size=3).map(tuple),
)


@settings(max_examples=300)
@given(specs)
def test_any_pose_renders_to_well_formed_svg(spec: FigureSpec) -> None:
    svg = render_svg(spec, title="A & B <test>")
    root = ET.fromstring(svg)
    view_box = [float(v) for v in root.attrib["viewBox"].split()]
    assert all(math.isfinite(v) for v in view_box)
    assert view_box[2] > 0 and view_box[3] > 0
    assert "nan" not in svg.lower()


@settings(max_examples=300)
@given(specs.filter(lambda s: s.view is not View.ABOVE))
def test_the_body_rests_on_the_floor(spec: FigureSpec) -> None:
    placed = place(spec.hold_pose(), spec)
    lowest = min(y for _, y in placed.joints.values())
    # Nothing sinks below the floor, and the lowest edge of the body touches it.
    assert lowest >= -1e-6
    edges = [placed.joints[Joint.HEAD][1] - HEAD_R] + [y - max(WIDTH.values()) / 2 for _, y in placed.joints.values()]
    assert min(edges) <= 1e-6


def test_standing_figure_is_upright_and_about_adult_height() -> None:
    placed = place(BASE_POSES["standing"], FigureSpec(base="standing"))
    head = placed.joints[Joint.HEAD]
    toe = placed.joints[Joint.RIGHT_TOE]
    assert head[1] > 150 and toe[1] < 10
    assert abs(head[0] - placed.joints[Joint.PELVIS][0]) < 1


def test_every_library_figure_renders_with_its_name_as_title() -> None:
    catalogue = load_catalogue()
    for sid in catalogue:
        svg = render_svg(catalogue.figure_of(sid), title=catalogue[sid].name)
        root = ET.fromstring(svg)
        assert root.find("{http://www.w3.org/2000/svg}title") is not None


def test_strap_and_wall_are_drawn() -> None:
    plain = FigureSpec(base="standing")
    with_props = FigureSpec(
        base="standing",
        props=(
            Prop(kind=PropKind.WALL, at=Joint.RIGHT_HAND),
            Prop(kind=PropKind.STRAP, at=Joint.RIGHT_HAND, to=Joint.RIGHT_TOE),
        ),
    )
    assert render_svg(with_props).count("<rect") > render_svg(plain).count("<rect")
    assert "#d9822b" in render_svg(with_props)


def _arrows(svg: str) -> list[tuple[str, list[tuple[float, float]]]]:
    """Each arrow in the picture: its kind and its shaft's points, tail first, in picture coordinates (y down)."""
    found = []
    for group in ET.fromstring(svg).iter(f"{SVG}g"):
        classes = group.get("class", "").split()
        if "arrow" in classes:
            shaft = group.findall(f"{SVG}polyline")[-1].get("points", "")
            points = [(float(x), float(y)) for x, y in (p.split(",") for p in shaft.split())]
            found.append((classes[1], points))
    return found


def test_a_turn_arrow_is_drawn_in_the_arrow_colour_and_turns_the_way_asked() -> None:
    plain = FigureSpec(base="chair-sitting", view=View.FRONT)
    assert _arrows(render_svg(plain)) == [] and ARROW not in render_svg(plain)
    for turn in ("left", "right"):
        spec = FigureSpec(base="chair-sitting", view=View.FRONT, arrows=(Arrow(turn=turn, around="head"),))
        svg = render_svg(spec)
        assert ARROW in svg
        [(kind, points)] = _arrows(svg)
        assert kind == f"turn-{turn}"
        # Facing us, a turn to the person's right sweeps across their front to the left of the picture.
        tail, tip = points[0][0], points[-1][0]
        assert (tip < tail) if turn == "right" else (tip > tail)
        # The arrow is drawn around the head: its middle passes in front of the face, below the head's centre.
        head = place(spec.hold_pose(), spec).joints[Joint.HEAD]
        middle = points[len(points) // 2]
        assert abs(middle[0] - head[0]) < 3 and -head[1] < middle[1] < -head[1] + 2 * HEAD_R


def test_a_turn_seen_from_the_side_sweeps_the_near_side_toward_the_back() -> None:
    # Seen from the right, turning right brings the front toward us and the near side toward the back (left).
    spec = FigureSpec(base="chair-sitting", arrows=(Arrow(turn="right", around="chest"),))
    [(_, points)] = _arrows(render_svg(spec))
    assert points[-1][0] < points[0][0]


def test_a_move_arrow_points_its_way_beside_the_joint() -> None:
    spec = FigureSpec(base="supine", view=View.ABOVE, arrows=(Arrow(move=90, at=Joint.RIGHT_KNEE, length=25),))
    [(kind, points)] = _arrows(render_svg(spec))
    knee = place(spec.hold_pose(), spec).joints[Joint.RIGHT_KNEE]
    (tx, ty), (hx, hy) = points[0], points[-1]
    assert kind == "move"
    assert abs(tx - knee[0]) < 0.2 and abs(hx - knee[0]) < 0.2  # straight up the picture
    assert hy < ty < -knee[1]  # starting clear of the knee and pointing up (y grows down in SVG)


@settings(max_examples=150)
@given(specs.filter(lambda s: bool(s.arrows)))
def test_arrows_stay_inside_the_picture(spec: FigureSpec) -> None:
    svg = render_svg(spec)
    x0, y0, width, height = (float(v) for v in ET.fromstring(svg).attrib["viewBox"].split())
    for _, points in _arrows(svg):
        assert all(x0 <= x <= x0 + width and y0 <= y <= y0 + height for x, y in points)


def _with_figure(**figure: Any) -> dict[str, Any]:
    stretch, _ = load_builtin()["chair-neck-rotation"]
    data = stretch.model_dump(mode="json", exclude_none=True)
    return {**data, "figure": {**data["figure"], **figure}}


@pytest.mark.parametrize(
    ("arrows", "words"),
    [
        ([{"turn": "right", "around": "head", "move": 90, "at": "head"}], "exactly one of turn and move"),
        ([{"around": "head"}], "exactly one of turn and move"),
        ([{"turn": "right"}], "a turning arrow needs around"),
        ([{"move": 45}], "a moving arrow needs at"),
        ([{"turn": "up", "around": "head"}], "'left' or 'right'"),
        ([{"turn": "left", "around": "knee"}], "'head', 'chest' or 'pelvis'"),
        ([{"move": float("nan"), "at": "right_hand"}], "finite number"),
        ([{"move": 30, "at": "right_hand", "length": 500}], "less than or equal to 80"),
        ([{"turn": "left", "around": "head", "colour": "red"}], "Extra inputs are not permitted"),
    ],
)
def test_bad_arrow_data_is_a_clear_error_naming_the_arrow(arrows: list[dict[str, Any]], words: str) -> None:
    with pytest.raises(CatalogueError) as caught:
        stretch_from_data(_with_figure(arrows=arrows), "mine.toml")
    messages = [str(p) for p in caught.value.problems]
    assert any(m.startswith("mine.toml: field 'figure.arrows.0") and words in m for m in messages), messages


def test_good_arrow_data_loads_and_keeps_its_meaning() -> None:
    stretch = stretch_from_data(_with_figure(arrows=[{"turn": "left", "around": "chest"}]), "mine.toml")
    assert stretch.figure is not None
    assert stretch.figure.arrows == (Arrow(turn="left", around="chest"),)
    with pytest.raises(ValidationError):
        Arrow(turn="left", around="chest", at=Joint.HEAD)


def test_breadth_narrows_shoulders_and_hips_seen_from_the_front() -> None:
    for breadth in (1.0, 0.2):
        spec = FigureSpec(base="standing", view=View.FRONT, breadth=breadth)
        pts = place(spec.hold_pose(), spec).joints
        assert math.dist(pts[Joint.RIGHT_SHOULDER], pts[Joint.LEFT_SHOULDER]) == pytest.approx(
            2 * SHOULDER_HALF * breadth
        )
    side = FigureSpec(base="standing", breadth=0.2)
    pts = place(side.hold_pose(), side).joints
    assert pts[Joint.RIGHT_SHOULDER] == pts[Joint.LEFT_SHOULDER]  # no sideways offsets in a side view


def _line_index(svg: str, p: tuple[float, float], q: tuple[float, float]) -> list[int]:
    needle = f'x1="{p[0]:.1f}" y1="{-p[1]:.1f}" x2="{q[0]:.1f}" y2="{-q[1]:.1f}"'
    return [m.start() for m in re.finditer(re.escape(needle), svg)]


def test_a_limb_behind_the_trunk_is_drawn_before_it() -> None:
    pose = {Angle.RIGHT_UPPER_ARM: 0.0, Angle.RIGHT_FOREARM: 0.0}
    for behind in ((), (Angle.RIGHT_UPPER_ARM,)):
        spec = FigureSpec(base="standing", hold=pose, behind=behind)
        svg = render_svg(spec, ghost_start=False)
        pts = place(spec.hold_pose(), spec).joints
        arm = _line_index(svg, pts[Joint.RIGHT_SHOULDER], pts[Joint.RIGHT_ELBOW])
        trunk = _line_index(svg, pts[Joint.WAIST], pts[Joint.NECK])
        assert arm and trunk
        assert (max(arm) < min(trunk)) == bool(behind)


def test_a_far_prop_is_drawn_paler() -> None:
    near = render_svg(FigureSpec(base="chair-sitting", props=(Prop(kind=PropKind.CHAIR),)))
    far = render_svg(FigureSpec(base="chair-sitting", props=(Prop(kind=PropKind.CHAIR, far=True),)))
    assert PROP_LINE in near and FAR_PROP_LINE not in near
    assert FAR_PROP_LINE in far and PROP_LINE not in far


def test_the_start_group_carries_the_props_and_is_the_only_group_with_an_opacity() -> None:
    # The player shows the first group with an opacity alone while a person gets into position: it must hold the
    # whole starting picture, chair included, and nothing else in a figure may look like it.
    catalogue = load_catalogue()
    for sid in catalogue:
        figure = catalogue.figure_of(sid)
        root = ET.fromstring(render_svg(figure))
        groups = [g for g in root if g.tag == f"{SVG}g" and g.get("opacity") is not None]
        assert len(groups) == (1 if figure.hold else 0), sid
        if figure.hold and any(p.kind in (PropKind.CHAIR, PropKind.WALL) for p in figure.props):
            assert groups[0].find(f"{SVG}rect") is not None, sid  # the chair's seat or the wall


def test_library_figures_with_arrows_draw_them() -> None:
    catalogue = load_catalogue()
    with_arrows = [sid for sid in catalogue if catalogue[sid].figure and catalogue.figure_of(sid).arrows]
    assert {"chair-neck-rotation", "chair-twist", "standing-wall-twist", "side-lying-open-book"} <= set(with_arrows)
    for sid in with_arrows:
        figure = catalogue.figure_of(sid)
        assert len(_arrows(render_svg(figure))) == len(figure.arrows), sid


def test_a_back_stretcher_figure_rests_the_pelvis_head_and_feet_on_the_floor() -> None:
    catalogue = load_catalogue()
    ids = [s for s in catalogue if any(p.kind is PropKind.BACK_STRETCHER for p in catalogue.figure_of(s).props)]
    assert ids
    for sid in ids:
        figure = catalogue.figure_of(sid)
        pts = place(figure.hold_pose(), figure).joints
        assert pts[Joint.PELVIS][1] - WIDTH["torso"] / 2 == pytest.approx(0, abs=1.5), sid
        assert pts[Joint.HEAD][1] - HEAD_R == pytest.approx(0, abs=1.5), sid
        assert pts[Joint.RIGHT_ANKLE][1] - WIDTH["shin"] / 2 == pytest.approx(0, abs=2.5), sid
        # and the lower back is lifted by the arch, whose crest fills the gap under the waist (not under the arms)
        gap = pts[Joint.WAIST][1] - WIDTH["torso"] / 2
        assert gap > 6, sid
        arch = next(p for p in ET.fromstring(render_svg(figure)).iter(f"{SVG}path") if " Q " in p.get("d", ""))
        control_y = float(arch.get("d", "").split(" Q ")[1].split()[0].split(",")[1])
        assert -control_y / 2 == pytest.approx(gap, abs=0.1), sid  # a quadratic's peak is half its control height


def test_a_head_turning_seen_from_the_front_shows_its_nose_on_that_side() -> None:
    for turn, side in (("right", -1), ("left", 1)):
        spec = FigureSpec(base="chair-sitting", view=View.FRONT, arrows=(Arrow(turn=turn, around="head"),))
        nose = ET.fromstring(render_svg(spec)).find(f"{SVG}circle[@class='nose']")
        assert nose is not None
        head = place(spec.hold_pose(), spec).joints[Joint.HEAD]
        # the person's right is the picture's left when they face us
        assert (float(nose.get("cx", "0")) - head[0]) * side > HEAD_R / 2
    plain = FigureSpec(base="chair-sitting", view=View.FRONT)
    assert ET.fromstring(render_svg(plain)).find(f"{SVG}circle[@class='nose']") is None
