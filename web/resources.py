"""The objects a request needs (settings, database, OpenSearch, blobs), built once per app."""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

from flask import current_app

from innsyn.config import Settings

if TYPE_CHECKING:
    from opensearchpy import OpenSearch
    from sqlalchemy.engine import Engine
    from sqlalchemy.orm import Session, sessionmaker

    from innsyn.search.agency_names import AgencyNames
    from innsyn.search.cursor import CursorCodec
    from innsyn.store.blobs import BlobStore


class Resources:
    """Lazily created shared clients for one app."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    @cached_property
    def engine(self) -> Engine:
        from innsyn.store.db import make_engine

        return make_engine(self.settings)

    @cached_property
    def sessions(self) -> sessionmaker[Session]:
        from innsyn.store.db import make_sessionmaker

        return make_sessionmaker(self.engine)

    @cached_property
    def opensearch(self) -> OpenSearch:
        from innsyn.search_client import make_client

        return make_client(self.settings)

    @cached_property
    def agency_names(self) -> AgencyNames:
        from innsyn.search.agency_names import AgencyNames

        return AgencyNames(self.sessions)

    @cached_property
    def cursors(self) -> CursorCodec:
        from innsyn.search.searcher import cursor_codec

        return cursor_codec(self.settings)

    @cached_property
    def blobs(self) -> BlobStore:
        from innsyn.store.blobs import BlobStore

        return BlobStore(self.settings.resolved_blob_dir)


def resources() -> Resources:
    """The ``Resources`` of the running app."""
    svc: Resources = current_app.extensions["innsyn"]
    return svc
