"""Dependencies routes ask for: the person's store and the catalogue the server opened at start."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from backstretch.app.routine import Routines
from backstretch.core.catalogue import Catalogue
from backstretch.store import Store


# Both are async only to run on the event loop: they do no I/O, and a plain def would cost each request a trip to a
# worker thread and back.
async def get_store(request: Request) -> Store:
    """The signed-in person's data in clinic mode (the guard has checked who that is); else the one person's."""
    store: Store = request.app.state.store
    person = getattr(request.state, "person", None)
    if request.app.state.multi_user:
        assert person is not None  # the guard refuses personal routes signed out
        return store.for_person(person.id)
    return store


def catalogue_of(request: Request) -> Catalogue:
    catalogue: Catalogue = request.app.state.catalogue
    return catalogue


async def get_catalogue(request: Request) -> Catalogue:
    return catalogue_of(request)


async def get_routines(request: Request) -> Routines:
    routines: Routines = request.app.state.routines
    return routines


StoreDep = Annotated[Store, Depends(get_store)]
RoutinesDep = Annotated[Routines, Depends(get_routines)]
CatalogueDep = Annotated[Catalogue, Depends(get_catalogue)]
