"""Derived documents: the attachments extraction finds inside a file (an e-mail, an
archive) and stores as documents (``vedlegg``) of the same entry.

They are ours, not the source's, so no harvest lists them; they follow the file they
were found in instead. Each carries the screening of the document holding that file,
and goes when that file goes: removed from its document, its document removed, or its
content replaced (a redacted version), so nothing of an earlier version stays public.
A derived document's file names its origin in ``parent_id``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from innsyn.store.models import Dokumentbeskrivelse, Journalpost, utcnow


def origin(doc: Dokumentbeskrivelse) -> str | None:
    """The id of the file ``doc`` was found in, or ``None`` for a document of the source."""
    return next((o.parent_id for o in doc.dokumentobjekter if o.parent_id is not None), None)


def by_origin(docs: Iterable[Dokumentbeskrivelse]) -> dict[str, list[Dokumentbeskrivelse]]:
    """The derived documents among ``docs``, by the id of the file each was found in."""
    found: dict[str, list[Dokumentbeskrivelse]] = defaultdict(list)
    for doc in docs:
        parent = origin(doc)
        if parent is not None:
            found[parent].append(doc)
    return found


def follow_screening(holder: Dokumentbeskrivelse, derived: Iterable[Dokumentbeskrivelse]) -> bool:
    """Give ``derived`` the screening of ``holder``, the document holding the file they
    were found in; True when any changed."""
    changed = False
    for doc in derived:
        if doc.skjerming is not holder.skjerming:
            doc.skjerming = holder.skjerming
            doc.updated_at = utcnow()
            changed = True
    return changed


def drop_derived(jp: Journalpost, file_ids: Iterable[str]) -> bool:
    """Remove from ``jp`` every document derived from one of ``file_ids`` (deleted at the
    next flush, with its file); True when any was."""
    wanted = set(file_ids)
    gone = [d for d in jp.dokumentbeskrivelser if origin(d) in wanted]
    for doc in gone:
        jp.dokumentbeskrivelser.remove(doc)
    return bool(gone)
