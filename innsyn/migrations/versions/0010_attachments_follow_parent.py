"""attachments found in a file follow it: repair what earlier harvests left behind

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03 15:10:00

Before this revision, a document derived from a file (an attachment extraction found
inside an e-mail or archive, ``innsyn.store.derived``) kept the screening its e-mail had
at the first extraction, and outlived a later content of that file. Now each derived
document gets the screening of the document holding its file, and one that the file's
current content (its ``extraction`` row) does not hold is deleted. Entries changed so
are due for indexing again, so the index forgets what it held of them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

from innsyn.store.ids import stable_id

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

_CHUNK = 500

_obj = sa.table(
    "dokumentobjekt",
    sa.column("id", sa.String),
    sa.column("dokumentbeskrivelse_id", sa.String),
    sa.column("parent_id", sa.String),
    sa.column("sha256", sa.String),
    sa.column("filnavn", sa.String),
    sa.column("text_sha256", sa.String),
)
_doc = sa.table(
    "dokumentbeskrivelse",
    sa.column("id", sa.String),
    sa.column("journalpost_id", sa.String),
    sa.column("skjerming_id", sa.Integer),
    sa.column("updated_at", sa.DateTime),
)
_extraction = sa.table("extraction", sa.column("sha256", sa.String), sa.column("meta", sa.JSON))
_entry = sa.table("journalpost", sa.column("id", sa.String), sa.column("updated_at", sa.DateTime))


def _chunks(keys: Sequence[Any]) -> Iterator[Sequence[Any]]:
    return (keys[i : i + _CHUNK] for i in range(0, len(keys), _CHUNK))


def _rows(conn: Any, query: Any, column: Any, keys: set[Any]) -> list[Any]:
    out: list[Any] = []
    for chunk in _chunks(sorted(keys)):
        out.extend(conn.execute(query.where(column.in_(chunk))).all())
    return out


def _held(meta: Any, parent_id: str) -> dict[str, dict[str, Any]]:
    """The attachments an extraction found, by the id of the document each becomes."""
    embedded = (meta or {}).get("embedded", []) if isinstance(meta, dict) else []
    return {
        stable_id("db", parent_id, "embedded", str(pos)): item for pos, item in enumerate(embedded)
    }


def upgrade() -> None:
    conn = op.get_bind()
    derived = conn.execute(
        sa.select(_obj.c.id, _obj.c.dokumentbeskrivelse_id, _obj.c.parent_id)
        .add_columns(_obj.c.filnavn, _obj.c.text_sha256)
        .where(_obj.c.parent_id.is_not(None))
    ).all()
    if not derived:
        return
    parents = {
        r.id: r
        for r in _rows(
            conn,
            sa.select(_obj.c.id, _obj.c.dokumentbeskrivelse_id, _obj.c.sha256),
            _obj.c.id,
            {r.parent_id for r in derived},
        )
    }
    docs = {
        r.id: r
        for r in _rows(
            conn,
            sa.select(_doc.c.id, _doc.c.journalpost_id, _doc.c.skjerming_id),
            _doc.c.id,
            {r.dokumentbeskrivelse_id for r in derived}
            | {p.dokumentbeskrivelse_id for p in parents.values()},
        )
    }
    metas = {
        r.sha256: r.meta
        for r in _rows(
            conn,
            sa.select(_extraction.c.sha256, _extraction.c.meta),
            _extraction.c.sha256,
            {p.sha256 for p in parents.values() if p.sha256},
        )
    }
    stale: list[Any] = []
    screen: dict[str, int | None] = {}
    for row in derived:
        parent = parents[row.parent_id]
        item = _held(metas.get(parent.sha256), parent.id).get(row.dokumentbeskrivelse_id)
        if item is None or (item.get("name"), item.get("text_sha256")) != (
            row.filnavn,
            row.text_sha256,
        ):
            stale.append(row)
            continue
        holder = docs[parent.dokumentbeskrivelse_id].skjerming_id
        if docs[row.dokumentbeskrivelse_id].skjerming_id != holder:
            screen[row.dokumentbeskrivelse_id] = holder
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    for chunk in _chunks([r.id for r in stale]):
        conn.execute(sa.delete(_obj).where(_obj.c.id.in_(chunk)))
    for chunk in _chunks([r.dokumentbeskrivelse_id for r in stale]):
        conn.execute(sa.delete(_doc).where(_doc.c.id.in_(chunk)))
    for did, skjerming_id in screen.items():
        conn.execute(
            sa.update(_doc)
            .where(_doc.c.id == did)
            .values(skjerming_id=skjerming_id, updated_at=now)
        )
    entries = {docs[r.dokumentbeskrivelse_id].journalpost_id for r in stale}
    entries |= {docs[did].journalpost_id for did in screen}
    for chunk in _chunks(sorted(entries)):
        conn.execute(sa.update(_entry).where(_entry.c.id.in_(chunk)).values(updated_at=now))


def downgrade() -> None:
    """Nothing to undo: the rows it changed were wrong."""
