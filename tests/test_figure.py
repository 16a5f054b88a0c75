"""Figures for any pose data: well-formed SVG, the body resting on the floor, props drawn where asked."""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET

from hypothesis import given, settings
from hypothesis import strategies as st

from backstretch.core.figure import (
    BASE_POSES,
    HEAD_R,
    WIDTH,
    Angle,
    FigureSpec,
    Joint,
    Prop,
    PropKind,
    View,
    place,
    render_svg,
)
from backstretch.library import load_catalogue

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
