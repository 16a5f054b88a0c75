"""Dependencies routes ask for: the store and the catalogue the server opened at start."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from backstretch.core.catalogue import Catalogue
from backstretch.store import Store


def get_store(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


def get_catalogue(request: Request) -> Catalogue:
    catalogue: Catalogue = request.app.state.catalogue
    return catalogue


StoreDep = Annotated[Store, Depends(get_store)]
CatalogueDep = Annotated[Catalogue, Depends(get_catalogue)]
