"""The library area: browse, filter and search the stretches, and a page for each one."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BeforeValidator

from backstretch.core.catalogue import Catalogue, Stretch, filter_stretches
from backstretch.core.figure import render_svg
from backstretch.core.vocab import Equipment, Position, Region
from backstretch.web.deps import CatalogueDep
from backstretch.web.templating import templates

Pose = Literal["both", "start", "hold"]

pages = APIRouter(include_in_schema=False)
api = APIRouter(tags=["library"])


def _stretch(catalogue: Catalogue, stretch_id: str) -> Stretch:
    if stretch_id not in catalogue:
        raise HTTPException(404, f"There is no stretch called {stretch_id!r} in the library.")
    return catalogue[stretch_id]


def _blank_is_none(value: object) -> object:
    return None if value == "" else value  # a form's "any" choice sends an empty value


class Filters:
    """The library's filters, read from the query string by both the page and the API."""

    def __init__(
        self,
        region: Annotated[Region | None, BeforeValidator(_blank_is_none)] = None,
        position: Annotated[Position | None, BeforeValidator(_blank_is_none)] = None,
        equipment: Annotated[Equipment | None, BeforeValidator(_blank_is_none)] = None,
        desk: bool = False,
        yoga: bool = False,
        q: Annotated[str, Query(max_length=80)] = "",
    ) -> None:
        self.region, self.position, self.equipment = region, position, equipment
        self.desk, self.yoga, self.q = desk, yoga, q

    def apply(self, catalogue: Catalogue) -> list[Stretch]:
        return filter_stretches(catalogue, self.region, self.position, self.equipment, self.desk, self.yoga, self.q)


FiltersDep = Annotated[Filters, Depends()]


def _figure(catalogue: Catalogue, stretch_id: str, size: int = 240, pose: Pose = "both") -> str:
    return render_svg(catalogue.figure_of(stretch_id), title=catalogue[stretch_id].name, size=size, pose=pose)


@pages.get("/library", response_class=HTMLResponse)
def library_page(request: Request, catalogue: CatalogueDep, filters: FiltersDep) -> Response:
    found = filters.apply(catalogue)
    return templates.TemplateResponse(request, "library.html", {
        "found": found, "total": len(catalogue), "filters": filters,
        "regions": list(Region), "positions": list(Position),
        "equipment": [e for e in Equipment if e is not Equipment.NONE],
    })  # fmt: skip


@pages.get("/library/{stretch_id}", response_class=HTMLResponse)
def stretch_page(request: Request, stretch_id: str, catalogue: CatalogueDep) -> Response:
    stretch = _stretch(catalogue, stretch_id)
    variants = {"Easier": [catalogue[v] for v in stretch.easier if v in catalogue],
                "Harder": [catalogue[v] for v in stretch.harder if v in catalogue]}  # fmt: skip
    return templates.TemplateResponse(request, "stretch.html", {
        "stretch": stretch, "figure": _figure(catalogue, stretch_id, 320), "variants": variants,
    })  # fmt: skip


@pages.get("/figures/{stretch_id}.svg")
def figure(stretch_id: str, catalogue: CatalogueDep, pose: Pose = "both") -> Response:
    """A stretch's figure: both positions, or (`pose`) only the start or only the hold, as the player's setup
    shows them side by side."""
    _stretch(catalogue, stretch_id)
    return Response(_figure(catalogue, stretch_id, pose=pose), media_type="image/svg+xml",
                    headers={"Cache-Control": "public, max-age=86400"})  # fmt: skip


@api.get("/stretches")
def list_stretches(catalogue: CatalogueDep, filters: FiltersDep) -> list[dict[str, Any]]:
    """Stretches matching every filter given (all of them without filters)."""
    found = filters.apply(catalogue)
    return [s.model_dump(mode="json", exclude={"figure"}) for s in found]


@api.get("/stretches/{stretch_id}")
def get_stretch(stretch_id: str, catalogue: CatalogueDep) -> dict[str, Any]:
    """One stretch: steps, cues, who should avoid it, its variants and sources."""
    return _stretch(catalogue, stretch_id).model_dump(mode="json", exclude={"figure"})
