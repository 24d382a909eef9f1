"""Flask's JSON responses written by orjson, byte for byte as Flask's default provider.

Flask's ``DefaultJSONProvider`` writes responses with ``json.dumps(obj,
ensure_ascii=True, separators=(",", ":"), default=flask's default)``. This provider
writes the same bytes with orjson and escapes what ``ensure_ascii`` escapes afterwards
(``\\u00e6`` for ``æ``, surrogate pairs beyond the BMP, ``\\u007f`` for DEL); for a
search answer that is about a sixth of the CPU. Dates, dataclasses, Decimals and UUIDs
go to Flask's ``default`` as before (orjson's own date format is not used).

Whatever orjson refuses (integers beyond 64 bits, non-string keys, lone surrogates,
nesting deeper than 254, types ``default`` cannot convert) is written by the default
provider, errors included; so is everything but compact responses (``dumps``, the
``tojson`` template filter, debug-mode indentation, ``sort_keys``). The
one difference: floats. orjson may write a float in another notation (``1e-05`` as
``0.00001``; the same number when parsed) and writes NaN and Infinity as ``null``
(json.dumps wrote the non-JSON ``NaN``). No API answer holds floats today.
"""

from __future__ import annotations

import codecs
import re
from typing import Any

import orjson
from flask.json.provider import DefaultJSONProvider
from werkzeug.sansio.response import Response

COMPACT = (",", ":")
_OPTIONS = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS
_ESCAPE_ERRORS = "innsyn-json-ascii"
_HEX_ESCAPE = re.compile(rb"\\x")
_ASTRAL_LEADS = (b"\xf0", b"\xf1", b"\xf2", b"\xf3", b"\xf4")


def _escape_non_ascii(err: UnicodeError) -> tuple[str, int]:
    """Codec error handler: characters as json.dumps(ensure_ascii=True) escapes them."""
    if not isinstance(err, UnicodeEncodeError):
        raise err
    out = []
    for ch in err.object[err.start : err.end]:
        code = ord(ch)
        if code > 0xFFFF:
            code -= 0x10000
            out.append(f"\\u{0xD800 | (code >> 10):04x}\\u{0xDC00 | (code & 0x3FF):04x}")
        else:
            out.append(f"\\u{code:04x}")
    return "".join(out), err.end


codecs.register_error(_ESCAPE_ERRORS, _escape_non_ascii)


def ascii_escaped(data: bytes) -> bytes:
    """orjson's UTF-8 output with every character beyond ASCII, and DEL, escaped as
    ``json.dumps(..., ensure_ascii=True)`` escapes it.

    The common case runs in C: ``backslashreplace`` writes ``\\xe6`` / ``\\u2028``, and
    ``\\x`` becomes ``\\u00``. That is only sound when the text holds no escaped
    backslash (then every backslash in orjson's output starts one of ``\\" \\b \\f \\n
    \\r \\t \\u``, never ``\\x``) and no character beyond the BMP (its UTF-8 starts with
    a byte F0-F4; ``\\U0001f600`` would need a surrogate pair); otherwise a codec error
    handler escapes character by character. (Checks by single bytes where possible: a
    one-byte ``in`` is a memchr, a two-byte one a much slower scan.)
    """
    if not data.isascii():
        if (b"\\" in data and b"\\\\" in data) or any(lead in data for lead in _ASTRAL_LEADS):
            data = data.decode("utf-8").encode("ascii", _ESCAPE_ERRORS)
        else:
            escaped = data.decode("utf-8").encode("ascii", "backslashreplace")
            data = _HEX_ESCAPE.sub(rb"\\u00", escaped)
    if b"\x7f" in data:
        data = data.replace(b"\x7f", b"\\u007f")
    return data


class OrjsonProvider(DefaultJSONProvider):
    """``DefaultJSONProvider`` with compact output (every response) written by orjson."""

    def _compact(self, obj: Any) -> bytes | None:
        """``obj`` as the default provider writes it compactly, or ``None`` when orjson
        cannot (then the default provider is to write it)."""
        if self.sort_keys:
            return None
        try:
            data = orjson.dumps(obj, default=self.default, option=_OPTIONS)
        except TypeError:
            return None
        return ascii_escaped(data) if self.ensure_ascii else data

    def response(self, *args: Any, **kwargs: Any) -> Response:
        if (self.compact is None and self._app.debug) or self.compact is False:
            return super().response(*args, **kwargs)
        data = self._compact(self._prepare_response_obj(args, kwargs))
        if data is None:
            return super().response(*args, **kwargs)
        return self._app.response_class(data + b"\n", mimetype=self.mimetype)  # type: ignore[arg-type]
