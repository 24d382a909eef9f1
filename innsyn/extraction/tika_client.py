"""Talking to the Tika server through the ``tika`` package in client-only mode.

Every call has a timeout and a size cap. Tika reads text layers only: pages without one
are read later by the OCR queue (``innsyn.ocr``), page by page, out of the harvest's way.
The outcome is an ``ExtractionResult``:
``ExtractionStatus.DONE`` with text, or ``FAILED`` with a reason a person can act on
(encrypted, corrupt, too large, timed out). An unreachable server raises ``TikaUnavailable`` so
the caller can leave the document pending and retry later instead of failing it.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from typing import Any

import requests

from innsyn.config import Settings
from innsyn.extraction.status import ExtractionStatus


class TikaUnavailable(RuntimeError):
    """The Tika server did not answer; nothing was decided about the document."""


@dataclass
class EmbeddedDocument:
    name: str
    media_type: str | None
    text: str


@dataclass
class ExtractionResult:
    status: ExtractionStatus
    text: str = ""
    media_type: str | None = None
    error: str | None = None
    metadata: dict[str, Any] = field(default_factory=dict)
    embedded: list[EmbeddedDocument] = field(default_factory=list)


def _parser() -> Any:
    os.environ.setdefault("TIKA_CLIENT_ONLY", "True")
    os.environ.setdefault("TIKA_LOG_FILE", "")
    from tika import parser

    return parser


ENCRYPTED_TYPES = {
    "application/pgp-encrypted",
    "application/x-tika-ooxml-protected",
    "application/x-tika-msoffice-protected",
    "application/pkcs7-mime",
}


def _is_encrypted(meta: dict[str, Any]) -> bool:
    media_type = str(meta.get("Content-Type", "")).split(";")[0]
    if media_type in ENCRYPTED_TYPES or (
        str(meta.get("pdf:encrypted")) == "true"
        and not str(meta.get("X-TIKA:content") or "").strip()
    ):
        return True
    exceptions = " ".join(str(v) for k, v in meta.items() if k.startswith("X-TIKA:EXCEPTION"))
    return "EncryptedDocumentException" in exceptions or "password" in exceptions.lower()


def _failure_reason(meta: dict[str, Any]) -> str | None:
    if _is_encrypted(meta):
        return "encrypted or password-protected document"
    trace = meta.get("X-TIKA:EXCEPTION:container_exception") or meta.get("X-TIKA:EXCEPTION:runtime")
    if trace:
        first = str(trace).strip().splitlines()[0]
        return f"the file could not be parsed: {first[:300]}"
    return None


def _headers(media_type: str | None, filename: str | None) -> dict[str, str]:
    headers = {
        "Accept": "application/json",
        "X-Tika-OCRskipOcr": "true",
        "X-Tika-PDFOcrStrategy": "no_ocr",
    }
    if media_type:
        headers["Content-Type"] = media_type
    if filename:
        headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return headers


def extract_bytes(
    settings: Settings,
    data: bytes,
    media_type: str | None = None,
    filename: str | None = None,
) -> ExtractionResult:
    """Extract text, metadata and embedded documents of ``data`` with the Tika server."""
    if len(data) > settings.max_file_size:
        return ExtractionResult(
            ExtractionStatus.FAILED,
            error=f"file larger than the limit of {settings.max_file_size} bytes",
        )
    try:
        status, body = _parser().from_buffer(
            data,
            serverEndpoint=settings.tika_url.rstrip("/"),
            headers=_headers(media_type, filename),
            requestOptions={"timeout": settings.extraction_timeout},
            raw_response=True,
        )
    except requests.Timeout:
        return ExtractionResult(
            ExtractionStatus.FAILED,
            error=f"extraction timed out after {settings.extraction_timeout:.0f} s",
        )
    except requests.ConnectionError as exc:
        raise TikaUnavailable(f"Tika is not reachable at {settings.tika_url}") from exc
    return _interpret(settings, int(status), body)


def _interpret(settings: Settings, status: int, body: Any) -> ExtractionResult:
    if status == 422:
        return ExtractionResult(
            ExtractionStatus.FAILED, error="encrypted or password-protected document"
        )
    if status in (502, 503):
        raise TikaUnavailable(f"Tika answered {status}")
    if status != 200:
        return ExtractionResult(
            ExtractionStatus.FAILED, error=f"Tika could not parse the file (HTTP {status})"
        )
    try:
        parts: list[dict[str, Any]] = json.loads(body) if isinstance(body, str) else body
    except ValueError:
        return ExtractionResult(ExtractionStatus.FAILED, error="Tika returned an unreadable answer")
    if not parts:
        return ExtractionResult(ExtractionStatus.FAILED, error="Tika returned nothing for the file")
    container = parts[0]
    media_type = str(container.get("Content-Type", "")).split(";")[0] or None
    text = str(container.get("X-TIKA:content") or "").strip()[: settings.max_text_chars]
    embedded = [
        EmbeddedDocument(
            name=str(p.get("resourceName") or p.get("X-TIKA:embedded_resource_path") or "vedlegg"),
            media_type=str(p.get("Content-Type", "")).split(";")[0] or None,
            text=str(p.get("X-TIKA:content") or "").strip()[: settings.max_text_chars],
        )
        for p in parts[1:]
    ]
    meta = {k: v for k, v in container.items() if k != "X-TIKA:content"}
    reason = _failure_reason(container)
    if reason and (not text or _is_encrypted(container)):
        return ExtractionResult(
            ExtractionStatus.FAILED, media_type=media_type, error=reason, metadata=meta
        )
    nothing = not text and not any(e.text for e in embedded)
    if nothing and media_type in (None, "application/octet-stream"):
        return ExtractionResult(
            ExtractionStatus.FAILED,
            media_type=media_type,
            error="unsupported or unrecognised file type",
            metadata=meta,
        )
    return ExtractionResult(
        ExtractionStatus.DONE, text=text, media_type=media_type, metadata=meta, embedded=embedded
    )
