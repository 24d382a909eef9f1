"""The record kinds that are indexed, one row each: what the indexer, the index names
and the search need to know of a kind. A new kind (meetings) is a new row here, with
its model, row loader, public shape (``innsyn.public.shapes``) and index mapping.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import ColumnElement

from innsyn.config import Settings
from innsyn.indexing import rows
from innsyn.indexing.documents import DocumentTexts, case_row_document, journalpost_document
from innsyn.store.models import Journalpost, Saksmappe

R = TypeVar("R")
IndexedModel = type[Journalpost] | type[Saksmappe]


@dataclass(frozen=True)
class Lender:
    """A related table whose fields a kind's documents copy (an entry's document carries
    its case's title and number). A row is marked indexed only while the row it borrowed
    from still has the ``updated_at`` the document was built from, so a change of the
    lender that commits while the catch-up is under way is not lost for the borrower.

    ``key`` is the borrower's column naming the lender; ``stamp`` gives, for a loaded
    row, the lender's ``updated_at`` it was built from (``None``: it borrowed nothing).
    """

    model: IndexedModel
    key: str
    stamp: Callable[[Any], dt.datetime | None]


@dataclass(frozen=True)
class IndexKind(Generic[R]):
    """One indexed kind of record.

    ``name`` names its alias (``<prefix>-<name>``); ``model`` is its table; ``load``
    reads a batch of its rows for indexing; ``build`` turns one row into its index
    document; ``stale`` selects the rows to (re)index; ``mapping`` names its index
    mapping (``<mapping>.v<version>.json``); ``lender`` is the related table whose
    fields its documents copy, if any.
    """

    name: str
    model: IndexedModel
    load: rows.RowLoader[R]
    build: Callable[[DocumentTexts, R], dict[str, Any]]
    stale: Callable[[], list[ColumnElement[bool]]]
    mapping: str
    lender: Lender | None = None

    def alias(self, settings: Settings) -> str:
        """The alias every read goes through, e.g. ``innsyn-journalpost``."""
        return f"{settings.index_prefix}-{self.name}"


JOURNALPOST: IndexKind[rows.EntryRow] = IndexKind(
    name="journalpost",
    model=Journalpost,
    load=rows.journalposts,
    build=journalpost_document,
    stale=rows.stale_journalposts,
    mapping="journalpost",
    lender=Lender(
        Saksmappe, "saksmappe_id", lambda row: row.saksmappe.updated_at if row.saksmappe else None
    ),
)
SAKSMAPPE: IndexKind[rows.CaseRow] = IndexKind(
    name="saksmappe",
    model=Saksmappe,
    load=rows.saksmapper,
    build=case_row_document,
    stale=rows.stale_saksmapper,
    mapping="saksmappe",
)
INDEXED: tuple[IndexKind[Any], ...] = (JOURNALPOST, SAKSMAPPE)
"""Every indexed kind, in the order the indexer goes through them."""


def index_kind(name: str) -> IndexKind[Any]:
    """The kind called ``name``; ``ValueError`` when there is none."""
    for kind in INDEXED:
        if kind.name == name:
            return kind
    raise ValueError(f"unknown index kind {name!r}")
